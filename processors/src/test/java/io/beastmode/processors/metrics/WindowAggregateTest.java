package io.beastmode.processors.metrics;

import io.beastmode.processors.metrics.MetricsSnapshot.CacheStats;
import io.beastmode.processors.metrics.MetricsSnapshot.CostStats;
import io.beastmode.processors.metrics.MetricsSnapshot.InputLengthBucket;
import io.beastmode.processors.metrics.MetricsSnapshot.NamedCount;
import io.beastmode.processors.metrics.MetricsSnapshot.QualityStat;
import io.beastmode.processors.metrics.MetricsSnapshot.SelectionStats;
import io.beastmode.processors.metrics.MetricsSnapshot.UsageStats;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

/** Every metric family against expectations computed by hand in the comments. */
class WindowAggregateTest {

    private static final long MINUTE = 60_000;
    private static final double EPS = 1e-12;

    static RequestObservation request(long t, String type, boolean error, String errorClass, double latency,
                                      Double ttft, int inputTokens) {
        return new RequestObservation(t, "acme", type, "gpt-4", error, errorClass, latency, ttft, inputTokens, 10);
    }

    static CacheObservation cache(long t, String tier, String outcome, double latency, Double similarity,
                                  Double threshold, int tokens, double usd, String key) {
        return new CacheObservation(t, tier, "ns", outcome, latency, similarity, threshold, tokens, usd, key);
    }

    @Test
    void requestCountsErrorsAndLatency() {
        WindowAggregate a = new WindowAggregate()
                .addRequest(request(1_000, "chat", false, null, 100, 20.0, 10))
                .addRequest(request(2_000, "chat", true, "TIMEOUT", 200, null, 10))
                .addRequest(request(3_000, "chat", false, null, 300, 40.0, 10))
                .addRequest(request(4_000, "chat", true, null, 400, null, 10));
        MetricsSnapshot s = a.snapshot(0, MINUTE);

        // 4 requests in 60 s; 2 errors, one without a class.
        assertThat(s.requests().count()).isEqualTo(4);
        assertThat(s.requests().throughputRps()).isCloseTo(4 / 60.0, within(EPS));
        assertThat(s.requests().errorCount()).isEqualTo(2);
        assertThat(s.requests().errorRate()).isEqualTo(0.5);
        assertThat(s.requests().errorsByClass()).containsExactlyInAnyOrderEntriesOf(Map.of("TIMEOUT", 1L, "UNKNOWN", 1L));

        // Sorted 100,200,300,400: p50 rank floor(0.5*3)=1 -> 200, p95 and p99 rank 2 -> 300; max and mean exact.
        assertThat(s.latency().count()).isEqualTo(4);
        assertThat(s.latency().p50()).isCloseTo(200, withinPercentage(0.5));
        assertThat(s.latency().p95()).isCloseTo(300, withinPercentage(0.5));
        assertThat(s.latency().p99()).isCloseTo(300, withinPercentage(0.5));
        assertThat(s.latency().max()).isEqualTo(400);
        assertThat(s.latency().mean()).isEqualTo(250);

        // TTFT only from the two requests that reported it: 20 and 40.
        assertThat(s.timeToFirstToken().count()).isEqualTo(2);
        assertThat(s.timeToFirstToken().p50()).isCloseTo(20, withinPercentage(0.5));
        assertThat(s.timeToFirstToken().max()).isEqualTo(40);
        assertThat(s.timeToFirstToken().mean()).isEqualTo(30);

        assertThat(s.latencySketch()).isEqualTo(a.latencySketch().toProtoBytes());
        assertThat(s.windowSizeMs()).isEqualTo(MINUTE);
    }

    @Test
    void ttftIsAbsentWhenNoRequestReportedIt() {
        MetricsSnapshot s = new WindowAggregate().addRequest(request(1, "chat", false, null, 5, null, 1))
                .snapshot(0, MINUTE);
        assertThat(s.latency()).isNotNull();
        assertThat(s.timeToFirstToken()).isNull();
    }

    @Test
    void usagePatternsOverAFiveMinuteWindow() {
        WindowAggregate a = new WindowAggregate();
        // Minute 0: 2 requests, minute 1: 4, minute 3: 4 -> peak is minute 1 (earliest of the tie).
        String[] types = {"code", "code", "code", "chat", "chat", "summarize", "summarize", "embed", "translate", "qa"};
        long[] times = {5_000, 59_999, MINUTE, MINUTE + 1, MINUTE + 30_000, 2 * MINUTE - 1,
                3 * MINUTE, 3 * MINUTE + 10, 3 * MINUTE + 20, 4 * MINUTE - 1};
        int[] inputs = {256, 257, 1024, 1025, 4096, 4097, 16384, 16385, 100_000, 0};
        double[] latencies = {10, 20, 30, 40, 50, 60, 70, 80, 90, 5};
        for (int i = 0; i < types.length; i++) {
            a.addRequest(request(times[i], types[i], false, null, latencies[i], null, inputs[i]));
        }
        UsageStats u = a.snapshot(0, 5 * MINUTE).usage();

        // code 3, chat 2, summarize 2, then three singles of which qa and embed win the name tie-break over translate.
        assertThat(u.topRequestTypes()).containsExactly(new NamedCount("code", 3), new NamedCount("chat", 2),
                new NamedCount("summarize", 2), new NamedCount("embed", 1), new NamedCount("qa", 1));
        assertThat(u.peakMinuteStart()).isEqualTo(MINUTE);
        assertThat(u.peakMinuteCount()).isEqualTo(4);

        // Inclusive bounds: <=256 {256:10, 0:5}, <=1024 {257:20, 1024:30}, <=4096 {1025:40, 4096:50},
        // <=16384 {4097:60, 16384:70}, rest {16385:80, 100000:90}; p99 of two values is rank floor(0.99)=0, the lower.
        List<InputLengthBucket> b = u.inputLengthBuckets();
        assertThat(b).extracting(InputLengthBucket::upperBoundTokens)
                .containsExactly(256, 1024, 4096, 16384, Integer.MAX_VALUE);
        assertThat(b).extracting(InputLengthBucket::count).containsExactly(2L, 2L, 2L, 2L, 2L);
        double[] expectedP99 = {5, 20, 40, 60, 80};
        for (int i = 0; i < expectedP99.length; i++) {
            assertThat(b.get(i).latencyP99Ms()).isCloseTo(expectedP99[i], withinPercentage(0.5));
        }
        assertThat(a.snapshot(0, 5 * MINUTE).requests().throughputRps()).isCloseTo(10 / 300.0, within(EPS));
    }

    @Test
    void emptyInputBucketsReportZero() {
        UsageStats u = new WindowAggregate().addRequest(request(1, "chat", false, null, 7, null, 100))
                .snapshot(0, MINUTE).usage();
        assertThat(u.inputLengthBuckets()).extracting(InputLengthBucket::count).containsExactly(1L, 0L, 0L, 0L, 0L);
        assertThat(u.inputLengthBuckets().get(1).latencyP99Ms()).isZero();
        assertThat(u.topRequestTypes()).containsExactly(new NamedCount("chat", 1));
    }

    @Test
    void cacheOutcomesHitRatesSavingsNearMissesAndExpiredKeys() {
        WindowAggregate a = new WindowAggregate()
                .addCache(cache(1_000, "EXACT", "HIT", 1, null, null, 100, 0.010, "k1"))
                .addCache(cache(2_000, "EXACT", "MISS", 2, null, null, 0, 0, "k2"))
                .addCache(cache(2_500, "SEMANTIC", "HIT", 5, 0.95, 0.9, 50, 0.005, "k3"))
                .addCache(cache(2_600, "SEMANTIC", "MISS", 6, 0.895, 0.9, 0, 0, "k4"))  // gap 0.005 -> bucket 0
                .addCache(cache(2_700, "SEMANTIC", "MISS", 7, 0.88, 0.9, 0, 0, "k5"))   // gap 0.02 -> bucket 2
                .addCache(cache(2_800, "SEMANTIC", "MISS", 8, 0.75, 0.9, 0, 0, "k6"))   // gap 0.15 -> beyond
                .addCache(cache(2_900, "SEMANTIC", "MISS", 9, 0.815, 0.9, 0, 0, "k7"))  // gap 0.085 -> bucket 8
                .addCache(cache(3_000, "EXACT", "BYPASS", 0.5, null, null, 0, 0, null))
                .addCache(cache(5_000, "EXACT", "EXPIRED", 3, null, null, 0, 0, "k1"))  // k1 seen at 1000: counts
                .addCache(cache(6_000, "PREFIX", "EXPIRED", 4, null, null, 0, 0, "k9")) // first sight: no
                .addCache(cache(7_000, "PREFIX", "ERROR", 10, null, null, 0, 0, "k9"))
                .addCache(cache(8_000, "PREFIX", "EXPIRED", 11, null, null, 0, 0, "k9")) // seen at 6000: counts
                .addCache(cache(9_000, "EXACT", "EXPIRED", 12, null, null, 0, 0, "k8")) // out of order: seen at 3000
                .addCache(cache(3_000, "EXACT", "MISS", 13, null, null, 0, 0, "k8"));
        MetricsSnapshot s = a.snapshot(0, MINUTE);
        CacheStats c = s.cache();

        assertThat(c.lookups()).isEqualTo(14);
        assertThat(c.outcomes()).containsExactlyInAnyOrderEntriesOf(
                Map.of("HIT", 2L, "MISS", 6L, "BYPASS", 1L, "EXPIRED", 4L, "ERROR", 1L));
        // 2 hits / (14 - 1 bypass); EXACT: 1 hit / (6 - 1), SEMANTIC 1/5, PREFIX 0/3.
        assertThat(c.hitRate()).isCloseTo(2 / 13.0, within(EPS));
        assertThat(c.hitRateByTier()).containsOnlyKeys("EXACT", "SEMANTIC", "PREFIX");
        assertThat(c.hitRateByTier().get("EXACT")).isCloseTo(0.2, within(EPS));
        assertThat(c.hitRateByTier().get("SEMANTIC")).isCloseTo(0.2, within(EPS));
        assertThat(c.hitRateByTier().get("PREFIX")).isZero();
        // Latencies 0.5,1..13 (n=14): p95 rank floor(0.95*13)=12 -> 12.
        assertThat(c.lookupLatencyP95Ms()).isCloseTo(12, withinPercentage(0.5));
        assertThat(c.tokensSaved()).isEqualTo(150);
        assertThat(c.usdSaved()).isCloseTo(0.015, within(EPS));
        assertThat(c.nearThresholdMisses()).containsExactly(1L, 0L, 1L, 0L, 0L, 0L, 0L, 0L, 1L, 0L);
        assertThat(c.nearThresholdBucketWidth()).isEqualTo(0.01);
        assertThat(c.expiredRerequested()).isEqualTo(3);

        // Cache events alone leave the request-driven families absent.
        assertThat(s.requests().count()).isZero();
        assertThat(s.latency()).isNull();
        assertThat(s.usage()).isNull();
        assertThat(s.latencySketch()).isNull();
        assertThat(s.selection()).isNull();
        assertThat(s.cost()).isNull();
    }

    @Test
    void nearThresholdBucketsSurviveDecimalRounding() {
        // Binary floating point: 0.90 - 0.81 is 0.08999..., a gap of nine bucket widths (bucket 9), and 0.90 - 0.80 is
        // 0.09999..., a full 0.1 gap that lies beyond the last bucket.
        CacheStats c = new WindowAggregate()
                .addCache(cache(1, "SEMANTIC", "MISS", 1, 0.81, 0.90, 0, 0, null))
                .addCache(cache(1, "SEMANTIC", "MISS", 1, 0.80, 0.90, 0, 0, null))
                .addCache(cache(1, "SEMANTIC", "MISS", 1, 0.29, 0.30, 0, 0, null))  // gap 0.01 -> bucket 1
                .addCache(cache(2, "SEMANTIC", "MISS", 1, 0.90, 0.90, 0, 0, null))  // gap 0 -> bucket 0
                .addCache(cache(3, "SEMANTIC", "MISS", 1, 0.95, 0.90, 0, 0, null))  // above threshold -> none
                .addCache(cache(4, "EXACT", "MISS", 1, 0.85, 0.90, 0, 0, null))     // not semantic -> none
                .addCache(cache(5, "SEMANTIC", "MISS", 1, null, 0.90, 0, 0, null))  // unknown similarity -> none
                .addCache(cache(6, "SEMANTIC", "HIT", 1, 0.89, 0.90, 0, 0, null))   // not a miss -> none
                .snapshot(0, MINUTE).cache();
        assertThat(c.nearThresholdMisses()).containsExactly(1L, 1L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 1L);
        assertThat(c.expiredRerequested()).isZero();
    }

    @Test
    void hitRateIsZeroWhenEveryLookupBypassed() {
        CacheStats c = new WindowAggregate().addCache(cache(1, "EXACT", "BYPASS", 1, null, null, 0, 0, null))
                .snapshot(0, MINUTE).cache();
        assertThat(c.hitRate()).isZero();
        assertThat(c.hitRateByTier()).containsEntry("EXACT", 0.0);
    }

    @Test
    void selectionShareQualityAccuracyAndFallbacks() {
        WindowAggregate a = selections(new WindowAggregate());
        SelectionStats s = a.snapshot(0, MINUTE).selection();

        assertThat(s.selections()).isEqualTo(5);
        assertThat(s.modelShare()).containsOnlyKeys("A", "B", "C");
        assertThat(s.modelShare().get("A")).isCloseTo(0.4, within(EPS));
        assertThat(s.modelShare().get("B")).isCloseTo(0.4, within(EPS));
        assertThat(s.modelShare().get("C")).isCloseTo(0.2, within(EPS));
        // A: {0.9}; B: {0.85, 0.7}; C: {0.6}. The decision without a quality adds no sample.
        assertQuality(s.qualityByModel().get("A"), 1, 0.9, 0.81);
        assertQuality(s.qualityByModel().get("B"), 2, 0.775, 0.7225 + 0.49);
        assertQuality(s.qualityByModel().get("C"), 1, 0.6, 0.36);
        // Judged: the first three (quality and candidates known). 0.9 >= 0.9-0.05 and 0.85 >= 0.85-0.05 are
        // accurate, 0.7 < 0.9-0.05 is not.
        assertThat(s.accuracy()).isCloseTo(2 / 3.0, within(EPS));
        assertThat(s.fallbackRate()).isCloseTo(0.2, within(EPS));
    }

    @Test
    void accuracyToleranceIsConfigurable() {
        // With tolerance 0.2 the third decision (0.7 vs best 0.9) is within tolerance; with 0 the boundary case
        // 0.85 vs best 0.85 still is.
        assertThat(selections(new WindowAggregate(0.2)).snapshot(0, MINUTE).selection().accuracy()).isEqualTo(1.0);
        assertThat(selections(new WindowAggregate(0.0)).snapshot(0, MINUTE).selection().accuracy())
                .isCloseTo(2 / 3.0, within(EPS));
        WindowAggregate loose = selections(new WindowAggregate(0.2));
        assertThat(WindowAggregate.fromBytes(loose.toBytes()).qualityTolerance()).isEqualTo(0.2);
        assertThatThrownBy(() -> new WindowAggregate().merge(loose)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WindowAggregate(-0.1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void accuracyIsAbsentWhenNoDecisionWasJudged() {
        SelectionStats s = new WindowAggregate()
                .addSelection(new SelectionObservation(1, "chat", "A", false, null, Map.of("A", 0.9)))
                .addSelection(new SelectionObservation(2, "chat", "A", true, 0.8, Map.of()))
                .snapshot(0, MINUTE).selection();
        assertThat(s.accuracy()).isNull();
        assertThat(s.fallbackRate()).isEqualTo(0.5);
        assertQuality(s.qualityByModel().get("A"), 1, 0.8, 0.64);
    }

    private static WindowAggregate selections(WindowAggregate a) {
        return a.addSelection(new SelectionObservation(1, "chat", "A", false, 0.9, Map.of("A", 0.9, "B", 0.8)))
                .addSelection(new SelectionObservation(2, "chat", "B", false, 0.85, Map.of("A", 0.85, "B", 0.85)))
                .addSelection(new SelectionObservation(3, "chat", "B", false, 0.7, Map.of("A", 0.9)))
                .addSelection(new SelectionObservation(4, "chat", "A", false, null, Map.of("A", 0.9)))
                .addSelection(new SelectionObservation(5, "chat", "C", true, 0.6, Map.of()));
    }

    private static void assertQuality(QualityStat q, long samples, double mean, double sumSquares) {
        assertThat(q.samples()).isEqualTo(samples);
        assertThat(q.mean()).isCloseTo(mean, within(EPS));
        assertThat(q.sumSquares()).isCloseTo(sumSquares, within(EPS));
    }

    @Test
    void costSpendSavingsBudgetAndBurnRate() {
        WindowAggregate a = new WindowAggregate()
                .addCost(new CostObservation(1_000, "acme", "m", 0.10, 0.30, 100.0, 0L))
                .addCost(new CostObservation(2_000, "acme", "m", 0.20, null, null, null))
                .addCost(new CostObservation(3_000, "acme", "m", 0.30, 0.50, 200.0, 1_000L))
                .addCost(new CostObservation(500, "acme", "m", 0.40, null, 50.0, 0L)); // late, older budget
        CostStats c = a.snapshot(0, MINUTE).cost();

        // spend 1.0; baseline 0.3 + 0.2 (own cost) + 0.5 + 0.4 (own cost) = 1.4; savings 0.4 = 28.57%.
        assertThat(c.requests()).isEqualTo(4);
        assertThat(c.spendUsd()).isCloseTo(1.0, within(EPS));
        assertThat(c.costPerRequestUsd()).isCloseTo(0.25, within(EPS));
        assertThat(c.baselineSpendUsd()).isCloseTo(1.4, within(EPS));
        assertThat(c.savingsUsd()).isCloseTo(0.4, within(EPS));
        assertThat(c.savingsPct()).isCloseTo(0.4 / 1.4 * 100, within(1e-9));
        // The latest budget by event time (t=3000) wins over the late event; window spend / limit.
        assertThat(c.budgetLimitUsd()).isEqualTo(200.0);
        assertThat(c.budgetUtilization()).isCloseTo(1.0 / 200, within(EPS));
        assertThat(a.budgetPeriodStartMs()).isEqualTo(1_000L);
        assertThat(a.budgetUtilization(150.0)).isCloseTo(0.75, within(EPS));
        // 1 USD per minute is 60 USD per hour; over a five-minute window 12 USD per hour.
        assertThat(c.burnRateUsdPerHour()).isCloseTo(60.0, within(1e-9));
        assertThat(a.snapshot(0, 5 * MINUTE).cost().burnRateUsdPerHour()).isCloseTo(12.0, within(1e-9));
    }

    @Test
    void costWithoutBudgetOrBaselineSpend() {
        CostStats c = new WindowAggregate().addCost(new CostObservation(1, "t", "m", 0.0, null, null, null))
                .snapshot(0, MINUTE).cost();
        assertThat(c.budgetLimitUsd()).isNull();
        assertThat(c.budgetUtilization()).isNull();
        assertThat(c.savingsPct()).isZero();
    }

    @Test
    void emptyAggregateReportsOnlyZeroRequests() {
        WindowAggregate empty = WindowAggregate.fromBytes(new WindowAggregate().toBytes());
        MetricsSnapshot s = empty.snapshot(0, MINUTE);
        assertThat(empty.isEmpty()).isTrue();
        assertThat(s.requests()).isEqualTo(new MetricsSnapshot.RequestStats(0, 0.0, 0, 0.0, Map.of()));
        assertThat(s.latency()).isNull();
        assertThat(s.timeToFirstToken()).isNull();
        assertThat(s.cache()).isNull();
        assertThat(s.selection()).isNull();
        assertThat(s.cost()).isNull();
        assertThat(s.usage()).isNull();
        assertThatThrownBy(() -> empty.snapshot(MINUTE, MINUTE)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void corruptBytesAreRejected() {
        byte[] bytes = new WindowAggregate().addRequest(request(1, "chat", false, null, 5, null, 1)).toBytes();
        byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length - 3);
        assertThatThrownBy(() -> WindowAggregate.fromBytes(truncated)).isInstanceOf(IllegalArgumentException.class);
        byte[] future = bytes.clone();
        future[0] = 99;
        assertThatThrownBy(() -> WindowAggregate.fromBytes(future)).isInstanceOf(IllegalArgumentException.class);
    }
}
