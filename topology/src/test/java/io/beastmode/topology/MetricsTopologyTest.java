package io.beastmode.topology;

import io.beastmode.analytics.v1.Dimension;
import io.beastmode.analytics.v1.LatencyStats;
import io.beastmode.analytics.v1.NamedCount;
import io.beastmode.analytics.v1.WindowMetrics;
import io.beastmode.telemetry.v1.CacheOutcome;
import io.beastmode.telemetry.v1.CacheTier;
import io.beastmode.telemetry.v1.RequestStatus;
import io.beastmode.telemetry.v1.SelectionEventKind;
import io.beastmode.telemetry.v1.SelectionReason;
import io.beastmode.topology.config.PipelineConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.beastmode.topology.TestEvents.cache;
import static io.beastmode.topology.TestEvents.cost;
import static io.beastmode.topology.TestEvents.request;
import static io.beastmode.topology.TestEvents.selection;
import static io.beastmode.topology.TopologyFixture.MIN;
import static io.beastmode.topology.TopologyFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.data.Percentage.withPercentage;

/**
 * Every metric family, window close and out-of-order handling, with expectations computed by hand in the comments.
 * Windows: 1 min tumbling, 5 min hopping by 1 min, grace 30 s (the defaults). Percentiles are lower nearest-rank:
 * the value at 0-based rank floor(q * (n - 1)) of the sorted values, from a sketch within 1% of it.
 */
class MetricsTopologyTest {

    private static final long GRACE = 30_000L;

    private static String key(String dimensionKey, long size, long start) {
        return dimensionKey + "|" + size + "@" + start;
    }

    @Test
    void requestFamilyIsEmittedOnceWhenTheWindowCloses() throws Exception {
        try (TopologyFixture f = new TopologyFixture()) {
            // Window [T0, T0+1m): latencies 100, 200, 300, 400; two errors (a class and a bare TIMEOUT).
            f.send(request(T0 + 1_000, "code", "m1", 100).setTimeToFirstTokenMs(10.0).setInputTokens(100).build());
            f.send(request(T0 + 2_000, "code", "m1", 200).setTimeToFirstTokenMs(30.0).setInputTokens(2000)
                    .setStatus(RequestStatus.ERROR).setErrorClass("upstream_5xx").build());
            f.send(request(T0 + 3_000, "conversation", "m2", 300).setTenant("beta").setInputTokens(300).build());
            f.send(request(T0 + 59_999, "code", "m2", 400).setStatus(RequestStatus.TIMEOUT).setInputTokens(20000)
                    .build());
            // Stream time T0+1m+29.999s: the window ends at T0+1m and closes at end + grace = T0+1m30s.
            f.flushTo(T0 + MIN + GRACE - 1);
            assertThat(f.drainMetrics()).as("nothing before the window closes").isEmpty();

            f.flushTo(T0 + MIN + GRACE);
            Map<String, WindowMetrics> out = f.drainMetrics();
            WindowMetrics all = out.get(key("ALL|*", MIN, T0));
            assertThat(all).isNotNull();
            assertThat(all.getFinal$()).isTrue();
            assertThat(all.getDimension()).isEqualTo(Dimension.ALL);
            assertThat(all.getDimensionKey()).isEqualTo("*");
            assertThat(all.getWindowStart()).isEqualTo(T0);
            assertThat(all.getWindowEnd()).isEqualTo(T0 + MIN);
            assertThat(all.getEmittedAt()).isEqualTo(TopologyFixture.NOW);
            assertThat(all.getRequests().getCount()).isEqualTo(4);
            assertThat(all.getRequests().getThroughputRps()).isCloseTo(4 / 60.0, within(1e-12));
            assertThat(all.getRequests().getErrorCount()).isEqualTo(2);
            assertThat(all.getRequests().getErrorRate()).isEqualTo(0.5);
            assertThat(all.getRequests().getErrorsByClass()).isEqualTo(Map.of("upstream_5xx", 1L, "TIMEOUT", 1L));
            // sorted 100,200,300,400: p50 rank floor(0.5*3)=1 -> 200; p95 rank floor(2.85)=2 -> 300; p99 -> 300.
            assertLatency(all.getLatency(), 4, 200, 300, 300, 400, 250);
            // TTFT 10, 30: p50 rank 0 -> 10; p95/p99 rank floor(0.95)=0 -> 10; max 30, mean 20.
            assertLatency(all.getTimeToFirstToken(), 2, 10, 10, 10, 30, 20);
            assertThat(all.getLatencySketch()).isNotNull();
            // Usage: code 3 (100, 200, 400), conversation 1; all four in minute T0.
            assertThat(all.getUsage().getTopRequestTypes()).extracting(NamedCount::getName, NamedCount::getCount)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("code", 3L),
                            org.assertj.core.groups.Tuple.tuple("conversation", 1L));
            assertThat(all.getUsage().getPeakMinuteStart()).isEqualTo(T0);
            assertThat(all.getUsage().getPeakMinuteCount()).isEqualTo(4);
            // Input buckets <=256: {100}; <=1024: {300}; <=4096: {2000}; <=16384: {}; rest: {20000}.
            assertThat(all.getUsage().getInputLengthBuckets()).extracting(b -> b.getCount())
                    .containsExactly(1L, 1L, 1L, 0L, 1L);
            assertThat(all.getUsage().getInputLengthBuckets().get(4).getLatencyP99Ms())
                    .isCloseTo(400, withPercentage(1));
            assertThat(all.getCache()).isNull();
            assertThat(all.getSelection()).isNull();
            assertThat(all.getCost()).isNull();

            // Per dimension: m1 has 100 and 200; code|m2 has 400; tenant beta has 300.
            WindowMetrics m1 = out.get(key("MODEL|m1", MIN, T0));
            assertThat(m1.getRequests().getCount()).isEqualTo(2);
            assertLatency(m1.getLatency(), 2, 100, 100, 100, 200, 150);
            assertThat(out.get(key("REQUEST_TYPE_MODEL|code|m2", MIN, T0)).getRequests().getCount()).isEqualTo(1);
            assertThat(out.get(key("REQUEST_TYPE|code", MIN, T0)).getRequests().getCount()).isEqualTo(3);
            assertThat(out.get(key("TENANT|beta", MIN, T0)).getRequests().getCount()).isEqualTo(1);
            assertThat(out.get(key("TENANT|acme", MIN, T0)).getRequests().getCount()).isEqualTo(3);
            // Distinct tumbling keys: ALL, REQUEST_TYPE code/conversation, MODEL m1/m2, REQUEST_TYPE_MODEL code|m1, conversation|m2,
            // code|m2, TENANT acme/beta = 10 tumbling keys; plus the hopping window [T0-4m, T0+1m) for each.
            assertThat(out.keySet().stream().filter(k -> k.contains("|" + MIN + "@"))).hasSize(10);
            WindowMetrics hop = out.get(key("ALL|*", 5 * MIN, T0 - 4 * MIN));
            assertThat(hop).isNotNull();
            assertThat(hop.getWindowSizeMs()).isEqualTo(5 * MIN);
            assertThat(hop.getRequests().getCount()).isEqualTo(4);
            assertThat(hop.getRequests().getThroughputRps()).isCloseTo(4 / 300.0, within(1e-12));
            assertThat(out).hasSize(20);

            // More records never re-emit a closed window (drainMetrics fails on a duplicate key).
            f.flushTo(T0 + 2 * MIN + GRACE);
            Map<String, WindowMetrics> next = f.drainMetrics();
            assertThat(next.keySet()).noneMatch(k -> k.endsWith("@" + T0) && k.contains("|" + MIN + "@"));
            assertThat(f.metrics.windowsEmitted().get(MetricsTopology.STORE_TUMBLING)).isGreaterThanOrEqualTo(10);
        }
    }

    @Test
    void cacheFamily() throws Exception {
        try (TopologyFixture f = new TopologyFixture()) {
            // SEMANTIC: a miss 0.005 below the threshold (bucket 0), a miss 0.025 below (bucket 2), a hit.
            f.send(cache(T0 + 1_000, CacheTier.SEMANTIC, "faq", CacheOutcome.MISS, 2.0)
                    .setSimilarity(0.845).setThreshold(0.85).build());
            f.send(cache(T0 + 2_000, CacheTier.SEMANTIC, "faq", CacheOutcome.MISS, 4.0)
                    .setSimilarity(0.825).setThreshold(0.85).build());
            f.send(cache(T0 + 3_000, CacheTier.SEMANTIC, "faq", CacheOutcome.HIT, 6.0)
                    .setSimilarity(0.95).setThreshold(0.85).setTokensSaved(1000).build());
            // EXACT: a hit, a bypass; then the same key looked up and found EXPIRED after it was seen.
            f.send(cache(T0 + 4_000, CacheTier.EXACT, "faq", CacheOutcome.HIT, 1.0).setTokensSaved(500).build());
            f.send(cache(T0 + 5_000, CacheTier.EXACT, "faq", CacheOutcome.BYPASS, 0.0).build());
            f.send(cache(T0 + 6_000, CacheTier.EXACT, "app", CacheOutcome.MISS, 8.0).setKeyHash("same").build());
            f.send(cache(T0 + 7_000, CacheTier.EXACT, "app", CacheOutcome.EXPIRED, 10.0).setKeyHash("same").build());
            f.flushTo(T0 + MIN + GRACE);

            Map<String, WindowMetrics> out = f.drainMetrics();
            var c = out.get(key("ALL|*", MIN, T0)).getCache();
            assertThat(c.getLookups()).isEqualTo(7);
            assertThat(c.getOutcomes()).isEqualTo(Map.of("MISS", 3L, "HIT", 2L, "BYPASS", 1L, "EXPIRED", 1L));
            // HIT / (lookups - BYPASS) = 2 / 6.
            assertThat(c.getHitRate()).isCloseTo(2 / 6.0, within(1e-12));
            // SEMANTIC 1 of 3; EXACT: 1 hit of (4 lookups - 1 bypass).
            assertThat(c.getHitRateByTier()).containsEntry("SEMANTIC", 1 / 3.0).containsEntry("EXACT", 1 / 3.0);
            // lookup latencies 0,1,2,4,6,8,10: p95 rank floor(0.95*6)=5 -> 8.
            assertThat(c.getLookupLatencyP95Ms()).isCloseTo(8.0, withPercentage(1));
            assertThat(c.getTokensSaved()).isEqualTo(1500);
            // 1500 tokens at the configured 2 USD per million tokens.
            assertThat(c.getUsdSaved()).isCloseTo(0.003, within(1e-12));
            assertThat(c.getNearThresholdMisses().get(0)).isEqualTo(1);
            assertThat(c.getNearThresholdMisses().get(2)).isEqualTo(1);
            assertThat(c.getNearThresholdMisses().stream().mapToLong(Long::longValue).sum()).isEqualTo(2);
            assertThat(c.getExpiredRerequested()).isEqualTo(1);
            // Requests family absent but present as zero counts (schema: requests always there).
            assertThat(out.get(key("ALL|*", MIN, T0)).getRequests().getCount()).isZero();
            assertThat(out.get(key("ALL|*", MIN, T0)).getLatency()).isNull();

            var semantic = out.get(key("CACHE_TIER_NAMESPACE|SEMANTIC|faq", MIN, T0)).getCache();
            assertThat(semantic.getLookups()).isEqualTo(3);
            assertThat(semantic.getHitRate()).isCloseTo(1 / 3.0, within(1e-12));
            assertThat(out.get(key("CACHE_TIER_NAMESPACE|EXACT|app", MIN, T0)).getCache().getLookups()).isEqualTo(2);
            assertThat(out.get(key("TENANT|acme", MIN, T0)).getCache().getLookups()).isEqualTo(7);
        }
    }

    @Test
    void selectionFamily() throws Exception {
        try (TopologyFixture f = new TopologyFixture()) {
            // a: accurate (1.0 vs best 1.0); b: fallback, 0.0 vs best 1.0 -> inaccurate; a: not judged.
            f.send(selection(T0 + 1_000, "math", "a", SelectionReason.STRATEGY, 1.0, Map.of("a", 1.0, "b", 0.5))
                    .build());
            f.send(selection(T0 + 2_000, "math", "b", SelectionReason.FALLBACK, 0.0, Map.of("a", 1.0, "b", 0.0))
                    .build());
            f.send(selection(T0 + 3_000, "math", "a", SelectionReason.STRATEGY, null, Map.of()).build());
            // 0.9 vs best 0.94: within the 0.05 tolerance -> accurate.
            f.send(selection(T0 + 4_000, "code", "a", SelectionReason.PROPOSAL, 0.9, Map.of("a", 0.9, "c", 0.94))
                    .build());
            // A later quality judgement is not a decision: not counted.
            f.send(selection(T0 + 5_000, "math", "a", SelectionReason.STRATEGY, 1.0, Map.of())
                    .setKind(SelectionEventKind.QUALITY_FEEDBACK).build());
            f.flushTo(T0 + MIN + GRACE);

            Map<String, WindowMetrics> out = f.drainMetrics();
            var s = out.get(key("ALL|*", MIN, T0)).getSelection();
            assertThat(s.getSelections()).isEqualTo(4);
            assertThat(s.getModelShare()).isEqualTo(Map.of("a", 0.75, "b", 0.25));
            assertThat(s.getFallbackRate()).isEqualTo(0.25);
            // judged: 3 (first, second, fourth); accurate: first and fourth.
            assertThat(s.getAccuracy()).isCloseTo(2 / 3.0, within(1e-12));
            // a: qualities 1.0 and 0.9 -> 2 samples, mean 0.95, sum of squares 1.81; b: one 0.0.
            assertThat(s.getQualityByModel().get("a").getSamples()).isEqualTo(2);
            assertThat(s.getQualityByModel().get("a").getMean()).isCloseTo(0.95, within(1e-12));
            assertThat(s.getQualityByModel().get("a").getSumSquares()).isCloseTo(1.81, within(1e-12));
            assertThat(s.getQualityByModel().get("b").getMean()).isZero();
            var math = out.get(key("REQUEST_TYPE|math", MIN, T0)).getSelection();
            assertThat(math.getSelections()).isEqualTo(3);
            assertThat(math.getModelShare().get("a")).isCloseTo(2 / 3.0, within(1e-12));
            assertThat(math.getAccuracy()).isCloseTo(0.5, within(1e-12));
            assertThat(out.get(key("REQUEST_TYPE_MODEL|math|b", MIN, T0)).getSelection().getSelections())
                    .isEqualTo(1);
            assertThat(f.metrics.feedbackIgnoredCount()).isEqualTo(1);
        }
    }

    @Test
    void costFamily() throws Exception {
        try (TopologyFixture f = new TopologyFixture()) {
            f.send(cost(T0 + 1_000, "acme", "small", 0.02, 0.05).setBudgetLimitUsd(10.0)
                    .setBudgetPeriodStart(T0).build());
            f.send(cost(T0 + 2_000, "acme", "small", 0.03, null).build());
            f.send(cost(T0 + 3_000, "beta", "big", 0.10, 0.10).build());
            f.flushTo(T0 + MIN + GRACE);

            Map<String, WindowMetrics> out = f.drainMetrics();
            var acme = out.get(key("TENANT|acme", MIN, T0)).getCost();
            // spend 0.05; baseline 0.05 + 0.03 (no baseline counts as itself) = 0.08; savings 0.03 = 37.5 %.
            assertThat(acme.getRequests()).isEqualTo(2);
            assertThat(acme.getSpendUsd()).isCloseTo(0.05, within(1e-12));
            assertThat(acme.getCostPerRequestUsd()).isCloseTo(0.025, within(1e-12));
            assertThat(acme.getBaselineSpendUsd()).isCloseTo(0.08, within(1e-12));
            assertThat(acme.getSavingsUsd()).isCloseTo(0.03, within(1e-12));
            assertThat(acme.getSavingsPct()).isCloseTo(37.5, within(1e-9));
            assertThat(acme.getBudgetLimitUsd()).isEqualTo(10.0);
            // window spend / limit = 0.05 / 10.
            assertThat(acme.getBudgetUtilization()).isCloseTo(0.005, within(1e-12));
            // 0.05 USD per minute = 3 USD per hour.
            assertThat(acme.getBurnRateUsdPerHour()).isCloseTo(3.0, within(1e-9));
            var all = out.get(key("ALL|*", MIN, T0)).getCost();
            assertThat(all.getRequests()).isEqualTo(3);
            assertThat(all.getSpendUsd()).isCloseTo(0.15, within(1e-12));
            assertThat(out.get(key("MODEL|big", MIN, T0)).getCost().getSavingsUsd()).isCloseTo(0.0, within(1e-12));
            assertThat(out.get(key("TENANT|beta", MIN, T0)).getCost().getBudgetLimitUsd()).isNull();
        }
    }

    @Test
    void outOfOrderWithinGraceIsCountedAndLateEventsGoToTheDlq() throws Exception {
        try (TopologyFixture f = new TopologyFixture()) {
            f.send(request(T0 + 10_000, "code", "m1", 100).build());
            f.send(request(T0 + 70_000, "code", "m1", 100).build());   // stream time T0+70s, in the next window
            f.send(request(T0 + 50_000, "code", "m1", 300).build());   // out of order, T0 window open until T0+90s
            f.send(request(T0 + 89_999, "code", "m1", 100).build());   // stream time T0+89.999s
            f.send(request(T0 + 5_000, "code", "m1", 500).build());    // still within grace
            assertThat(f.drainMetrics()).isEmpty();
            f.flushTo(T0 + 95_000);                                     // closes [T0, T0+1m)
            f.send(request(T0 + 20_000, "code", "m1", 700).build());   // too late for [T0, T0+1m)

            Map<String, WindowMetrics> out = f.drainMetrics();
            WindowMetrics all = out.get(key("ALL|*", MIN, T0));
            // 10s, 50s and 5s events: latencies 100, 300, 500; the late 700 is not in it.
            assertThat(all.getRequests().getCount()).isEqualTo(3);
            assertThat(all.getLatency().getMax()).isEqualTo(500);
            assertThat(all.getLatency().getMean()).isCloseTo(300, within(1e-9));

            var dlq = f.drainDlq();
            assertThat(dlq).hasSize(1);
            assertThat(dlq.get(0).value().getReason()).isEqualTo("late-event");
            assertThat(header(dlq.get(0), "beast.dlq.reason")).isEqualTo("late-event");
            assertThat(header(dlq.get(0), "beast.source.topic")).isEqualTo(f.config.topics().requests());
            assertThat(header(dlq.get(0), "beast.source.offset")).isEqualTo("6");
            assertThat(f.metrics.deadLetterCount("late-event")).isEqualTo(1);
            // Each of the 5 dimension copies of the late event was dropped by the tumbling windows.
            assertThat(f.metrics.lateRecords()).isEqualTo(5);

            // Hopping windows are merged from closed tumbling windows, so a late event (already a dead letter) is in
            // none of them: every event is counted exactly once, in its window or in the DLQ.
            f.flushTo(T0 + 2 * MIN + GRACE);
            WindowMetrics hop = f.drainMetrics().get(key("ALL|*", 5 * MIN, T0 - 3 * MIN));
            // T0+10s, 70s, 50s, 89.999s, 5s and the flush at 95s.
            assertThat(hop.getRequests().getCount()).isEqualTo(6);
        }
    }

    @Test
    void interimResultsAreMarkedAndTheFinalOneStillComesOnce() throws Exception {
        try (TopologyFixture f = new TopologyFixture(PipelineConfig.builder().interimResults(true)
                .watermarkIdle(java.time.Duration.ofMillis(1)))) {
            f.send(request(T0 + 1_000, "code", "m1", 100).build());
            f.send(request(T0 + 2_000, "code", "m1", 200).build());
            // Interim snapshots of open windows go out on a wall-clock punctuation, once per commit interval.
            f.driver.advanceWallClockTime(java.time.Duration.ofSeconds(1));
            List<WindowMetrics> interim = f.metricsOut.readValuesToList();
            assertThat(interim).isNotEmpty().allMatch(m -> !m.getFinal$());
            f.flushTo(T0 + MIN + GRACE);
            List<WindowMetrics> finals = f.metricsOut.readValuesToList().stream().filter(WindowMetrics::getFinal$)
                    .filter(m -> m.getDimension() == Dimension.ALL && m.getWindowSizeMs() == MIN).toList();
            assertThat(finals).hasSize(1);
            assertThat(finals.get(0).getRequests().getCount()).isEqualTo(2);
        }
    }

    @Test
    void theFinalTumblingWindowsAndNothingElseGoToTheFinalMetricsTopicToo() throws Exception {
        try (TopologyFixture f = new TopologyFixture(PipelineConfig.builder().interimResults(true)
                .watermarkIdle(java.time.Duration.ofMillis(1)))) {
            f.send(request(T0 + 1_000, "code", "m1", 100).build());
            f.send(request(T0 + 2_000, "chat", "m2", 200).build());
            f.driver.advanceWallClockTime(java.time.Duration.ofSeconds(1)); // interim snapshots
            f.flushTo(T0 + 5 * MIN + GRACE); // closes the first minute and the hopping windows holding it
            List<org.apache.kafka.streams.test.TestRecord<String, WindowMetrics>> all = f.metricsOut.readRecordsToList();
            Map<String, WindowMetrics> expected = new java.util.TreeMap<>();
            all.stream().filter(r -> r.value().getFinal$() && r.value().getWindowSizeMs() == MIN)
                    .forEach(r -> expected.put(r.key(), r.value()));
            assertThat(all).anyMatch(r -> !r.value().getFinal$()).anyMatch(r -> r.value().getWindowSizeMs() > MIN);
            assertThat(expected).isNotEmpty();
            Map<String, WindowMetrics> fed = new java.util.TreeMap<>();
            f.finalMetricsOut.readRecordsToList().forEach(r -> assertThat(fed.put(r.key(), r.value())).isNull());
            assertThat(fed).isEqualTo(expected);
        }
    }

    static String header(org.apache.kafka.streams.test.TestRecord<?, ?> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    static void assertLatency(LatencyStats l, long count, double p50, double p95, double p99, double max,
                              double mean) {
        assertThat(l.getCount()).isEqualTo(count);
        assertThat(l.getP50()).isCloseTo(p50, withPercentage(1));
        assertThat(l.getP95()).isCloseTo(p95, withPercentage(1));
        assertThat(l.getP99()).isCloseTo(p99, withPercentage(1));
        assertThat(l.getMax()).isEqualTo(max);
        assertThat(l.getMean()).isCloseTo(mean, within(1e-9));
    }
}
