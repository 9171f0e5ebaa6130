package io.beastmode.topology.insight;

import io.beastmode.analytics.v1.AckStatus;
import io.beastmode.analytics.v1.Anomaly;
import io.beastmode.analytics.v1.OptimizationProposal;
import io.beastmode.analytics.v1.ProposalKind;
import io.beastmode.analytics.v1.ProposalOutcome;
import io.beastmode.analytics.v1.ProposalStatus;
import io.beastmode.analytics.v1.Severity;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class InsightTopologyTest {

    /**
     * One minute of request type 'conversation' served by gpt-4 ($0.03 a request) and mixtral ($0.006) at equal
     * quality 0.8, as the metrics topology emits it: MODEL, REQUEST_TYPE and REQUEST_TYPE_MODEL windows.
     */
    private static final class Traffic {
        final Random random = new Random(42);
        double gpt4P95Factor = 1.0;
        double mixtralErrorRate = 0.01;
        double gpt4Share = 2.0 / 3; // of 900 requests a minute

        void minute(InsightFixture f, int i) {
            long gpt4 = Math.round(900 * gpt4Share);
            long mixtral = 900 - gpt4;
            double gpt4P95 = (1000 + random.nextGaussian() * 40) * gpt4P95Factor;
            double mixtralP95 = 800 + random.nextGaussian() * 30;
            long mixtralErrors = Math.round(mixtral * (mixtralErrorRate + random.nextGaussian() * 0.002));
            f.send("MODEL|gpt-4", W.minute(i).requests(gpt4, 0, gpt4P95).cost(gpt4, gpt4 * 0.03).build());
            f.send("MODEL|mixtral", W.minute(i).requests(mixtral, Math.max(0, mixtralErrors), mixtralP95)
                    .cost(mixtral, mixtral * 0.006).build());
            f.send("REQUEST_TYPE_MODEL|conversation|gpt-4", W.minute(i).requests(gpt4, 0, gpt4P95)
                    .cost(gpt4, gpt4 * 0.03).build());
            f.send("REQUEST_TYPE_MODEL|conversation|mixtral", W.minute(i).requests(mixtral, 0, mixtralP95)
                    .cost(mixtral, mixtral * 0.006).build());
            f.send("REQUEST_TYPE|conversation", W.minute(i).requests(900, 0, gpt4P95)
                    .cost(900, gpt4 * 0.03 + mixtral * 0.006)
                    .selection(Map.of("gpt-4", gpt4, "mixtral", mixtral),
                            Map.of("gpt-4", new long[]{gpt4, Math.round(gpt4 * 0.8)},
                                    "mixtral", new long[]{mixtral, Math.round(mixtral * 0.8)}))
                    .build());
        }
    }

    private static List<OptimizationProposal> ofKind(List<OptimizationProposal> ps, ProposalKind kind) {
        return ps.stream().filter(p -> p.getKind() == kind).toList();
    }

    @Test
    void degradedLatencyIsAnAnomalyWithObservedExpectedAndScore() throws Exception {
        // The pipeline's default (NAB-calibrated) detector, after its 70 windows of warm-up.
        try (InsightFixture f = new InsightFixture(InsightConfig.defaults())) {
            Traffic t = new Traffic();
            for (int i = 0; i < 100; i++) {
                t.minute(f, i);
            }
            List<Anomaly> before = f.anomalies.readValuesToList();
            assertThat(before).filteredOn(a -> a.getMetric().startsWith("latency")
                    && a.getDimensionKey().equals("gpt-4")).isEmpty();
            t.gpt4P95Factor = 3.0;
            t.minute(f, 100);
            assertThat(f.anomalies.readValuesToList()).as("one window is a candidate, not yet an anomaly").isEmpty();
            t.minute(f, 101);
            Map<String, Anomaly> byKey = new TreeMap<>();
            for (TestRecord<String, Anomaly> r : f.anomalies.readRecordsToList()) {
                byKey.put(r.key(), r.value());
            }
            assertThat(byKey).containsKey("MODEL|gpt-4|latency.p95");
            Anomaly a = byKey.get("MODEL|gpt-4|latency.p95");
            assertThat(a.getObserved()).isGreaterThan(2700);
            assertThat(a.getExpected()).isCloseTo(1000, within(60.0));
            assertThat(a.getScore()).isGreaterThanOrEqualTo(0.5).isLessThanOrEqualTo(1.0);
            assertThat(a.getDetector()).isEqualTo("robust-novelty");
            // Reported on the window that confirmed it, against the baseline before the incident.
            assertThat(a.getWindowStart()).isEqualTo(W.start(101));
            assertThat(a.getWindowEnd()).isEqualTo(W.end(101));
            assertThat(a.getDetectedAt()).isEqualTo(InsightFixture.NOW);
            // The same incident shows on the request type x model series; mixtral stays quiet.
            assertThat(byKey).containsKey("REQUEST_TYPE_MODEL|conversation|gpt-4|latency.p95");
            assertThat(byKey.keySet()).noneMatch(k -> k.contains("mixtral"));
        }
    }

    /** A one-minute blip is a candidate that the next, normal minute does not confirm; without confirmation it is an anomaly. */
    @Test
    void aOneMinuteBlipIsNotAnAnomalyUnlessConfirmationIsOff() throws Exception {
        for (boolean confirm : new boolean[] {true, false}) {
            try (InsightFixture f = new InsightFixture(InsightConfig.fastWarmup().withConfirmAlerts(confirm))) {
                Traffic t = new Traffic();
                for (int i = 0; i < 20; i++) {
                    t.minute(f, i);
                }
                t.gpt4P95Factor = 3.0;
                t.minute(f, 20);
                t.gpt4P95Factor = 1.0;
                t.minute(f, 21);
                Map<String, Anomaly> byKey = f.anomalies.readKeyValuesToMap();
                if (confirm) {
                    assertThat(byKey).as("confirmation on").doesNotContainKey("MODEL|gpt-4|latency.p95");
                } else {
                    assertThat(byKey).as("confirmation off").containsKey("MODEL|gpt-4|latency.p95");
                    assertThat(byKey.get("MODEL|gpt-4|latency.p95").getWindowStart()).isEqualTo(W.start(20));
                }
            }
        }
    }

    @Test
    void errorBurstIsACriticalAnomaly() throws Exception {
        try (InsightFixture f = new InsightFixture(InsightConfig.fastWarmup())) {
            Traffic t = new Traffic();
            for (int i = 0; i < 20; i++) {
                t.minute(f, i);
            }
            assertThat(f.anomalies.readValuesToList()).isEmpty();
            t.mixtralErrorRate = 0.3;
            t.minute(f, 20);
            t.minute(f, 21);
            Map<String, Anomaly> byKey = new TreeMap<>();
            f.anomalies.readRecordsToList().forEach(r -> byKey.put(r.key(), r.value()));
            Anomaly a = byKey.get("MODEL|mixtral|requests.errorRate");
            assertThat(a).isNotNull();
            assertThat(a.getObserved()).isCloseTo(0.3, within(0.01));
            assertThat(a.getExpected()).isCloseTo(0.01, within(0.005));
            assertThat(a.getScore()).isGreaterThanOrEqualTo(0.9);
            assertThat(a.getSeverity()).isEqualTo(Severity.CRITICAL);
            assertThat(a.getDetector()).isEqualTo("robust-z");
        }
    }

    @Test
    void cheaperModelOfEqualQualityGivesOneReroute() throws Exception {
        try (InsightFixture f = new InsightFixture(InsightConfig.fastWarmup())) {
            Traffic t = new Traffic();
            for (int i = 0; i < 20; i++) {
                t.minute(f, i);
            }
            List<TestRecord<String, OptimizationProposal>> records = f.proposals.readRecordsToList();
            assertThat(records).hasSize(1);
            TestRecord<String, OptimizationProposal> r = records.get(0);
            OptimizationProposal p = r.value();
            assertThat(r.key()).isEqualTo("REQUEST_TYPE:conversation");
            // Stamped with the wall clock (pinned here) when the processor decided, for the latency bench.
            assertThat(new String(r.headers().lastHeader(InsightTopology.DECIDED_AT_HEADER).value(),
                    java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(Long.toString(InsightFixture.NOW));
            assertThat(p.getKind()).isEqualTo(ProposalKind.REROUTE);
            assertThat(p.getStatus()).isEqualTo(ProposalStatus.OPEN);
            assertThat(p.getParameters()).containsEntry("fromModel", "gpt-4").containsEntry("toModel", "mixtral");
            assertThat(p.getConfidence().getPValue()).isLessThan(0.05);
            assertThat(p.getExpectedImpact().getCostDeltaPct()).isCloseTo(-80.0, within(0.5));
            assertThat(p.getRollout().getCanaryShare()).isLessThan(1.0);
            assertThat(p.getEvidence()).isNotEmpty();
        }
    }

    @Test
    void latencyAnomalyGivesFallbackThatIsLiftedAfterRecovery() throws Exception {
        try (InsightFixture f = new InsightFixture(InsightConfig.fastWarmup())) {
            Traffic t = new Traffic();
            for (int i = 0; i < 15; i++) {
                t.minute(f, i);
            }
            f.proposals.readRecordsToList(); // the reroute, not under test here
            t.gpt4P95Factor = 3.0;
            t.minute(f, 15);
            t.minute(f, 16);
            assertThat(f.anomalies.readKeyValuesToMap()).containsKey("MODEL|gpt-4|latency.p95");
            List<TestRecord<String, OptimizationProposal>> records = f.proposals.readRecordsToList();
            List<OptimizationProposal> fallbacks = ofKind(records.stream().map(TestRecord::value).toList(),
                    ProposalKind.FALLBACK);
            assertThat(fallbacks).singleElement().satisfies(p -> {
                assertThat(p.getTarget().getKey()).isEqualTo("gpt-4");
                assertThat(p.getAction()).isEqualTo("fallback");
                assertThat(p.getParameters()).containsEntry("fromModel", "gpt-4").containsEntry("toModel", "mixtral");
                assertThat(p.getParameters().get("metric")).contains("latency.p95");
                assertThat(p.getRollout().getCanaryShare()).isEqualTo(1.0);
            });
            assertThat(records).filteredOn(r -> r.value().getKind() == ProposalKind.FALLBACK)
                    .extracting(TestRecord::key).containsExactly("MODEL:gpt-4");
            // Healthy again: after the configured healthy windows the fallback is lifted, once.
            t.gpt4P95Factor = 1.0;
            for (int i = 17; i < 27; i++) {
                t.minute(f, i);
            }
            List<OptimizationProposal> lifted = ofKind(f.proposals.readValuesToList(), ProposalKind.FALLBACK);
            assertThat(lifted).singleElement().satisfies(p -> {
                assertThat(p.getStatus()).isEqualTo(ProposalStatus.LIFTED);
                assertThat(p.getAction()).isEqualTo("lift_fallback");
                assertThat(p.getParameters()).containsEntry("liftOf", fallbacks.get(0).getProposalId());
            });
        }
    }

    @Test
    void appliedRerouteIsMeasuredExactlyOnce() throws Exception {
        try (InsightFixture f = new InsightFixture(InsightConfig.fastWarmup())) {
            Traffic t = new Traffic();
            for (int i = 0; i < 20; i++) {
                t.minute(f, i);
            }
            OptimizationProposal reroute = f.proposals.readValuesToList().get(0);
            String id = reroute.getProposalId();
            f.ack(id, AckStatus.ACCEPTED, W.end(19), null);
            f.ack(id, AckStatus.APPLIED, W.end(19), 1.0);
            t.gpt4Share = 0.05; // the router moved conversation to mixtral
            for (int i = 20; i < 29; i++) {
                t.minute(f, i);
            }
            assertThat(f.outcomes.readRecordsToList()).as("fewer than 10 windows after").isEmpty();
            for (int i = 29; i < 45; i++) {
                t.minute(f, i);
            }
            List<TestRecord<String, ProposalOutcome>> outcomes = f.outcomes.readRecordsToList();
            assertThat(outcomes).singleElement().satisfies(r -> {
                assertThat(r.key()).isEqualTo(id);
                ProposalOutcome o = r.value();
                assertThat(o.getKind()).isEqualTo(ProposalKind.REROUTE);
                assertThat(o.getAppliedAt()).isEqualTo(W.end(19));
                assertThat(o.getBeforeEnd()).isLessThanOrEqualTo(W.end(19));
                assertThat(o.getAfterStart()).isGreaterThanOrEqualTo(W.end(19));
                assertThat(o.getEffects()).anySatisfy(e -> {
                    assertThat(e.getMetric()).isEqualTo("cost.perRequestUsd");
                    assertThat(e.getAfter()).isLessThan(e.getBefore());
                    assertThat(e.getPValue()).isLessThan(0.05);
                });
                assertThat(o.getRollbackProposalId()).isNull();
            });
            // A replayed APPLIED ack does not measure it again.
            f.ack(id, AckStatus.APPLIED, W.end(45), 1.0);
            for (int i = 45; i < 60; i++) {
                t.minute(f, i);
            }
            assertThat(f.outcomes.readRecordsToList()).isEmpty();
        }
    }

    @Test
    void detectorAndEngineStateSurviveARestart() throws Exception {
        String registry = "mock://insight-restart-" + UUID.randomUUID();
        Traffic t = new Traffic();
        Map<String, byte[]> detectors;
        Map<String, byte[]> engine;
        try (InsightFixture f = new InsightFixture(InsightConfig.fastWarmup(), registry,
                Files.createTempDirectory("insight-a"))) {
            for (int i = 0; i < 20; i++) {
                t.minute(f, i);
            }
            assertThat(ofKind(f.proposals.readValuesToList(), ProposalKind.REROUTE)).hasSize(1);
            detectors = f.storeContents(InsightTopology.STORE_DETECTORS);
            engine = f.storeContents(InsightTopology.STORE_ENGINE);
        }
        // Detectors only for the watched dimensions (REQUEST_TYPE is not one).
        assertThat(detectors).containsKey("MODEL|gpt-4|latency.p95").doesNotContainKey(
                "REQUEST_TYPE|conversation|latency.p95");
        assertThat(engine).containsKeys("engine.core", "tracker.core").doesNotContainKeys("engine", "tracker")
                .hasKeySatisfying(new org.assertj.core.api.Condition<>(k -> k.startsWith("engine.series."), "a series part"));

        try (InsightFixture f = new InsightFixture(InsightConfig.fastWarmup(), registry,
                Files.createTempDirectory("insight-b"))) {
            f.restore(InsightTopology.STORE_DETECTORS, detectors);
            f.restore(InsightTopology.STORE_ENGINE, engine);
            for (int i = 20; i < 22; i++) {
                t.minute(f, i);
            }
            t.gpt4P95Factor = 3.0;
            t.minute(f, 22);
            t.minute(f, 23);
            // With fresh detectors minute 22 would be only the 3rd observation, below the 10 of warm-up.
            assertThat(f.anomalies.readKeyValuesToMap()).containsKey("MODEL|gpt-4|latency.p95");
            // The open reroute is remembered, so it is not proposed again.
            assertThat(ofKind(f.proposals.readValuesToList(), ProposalKind.REROUTE)).isEmpty();
        }

        // Control: the same minutes on empty state do propose the reroute again and see no anomaly.
        try (InsightFixture f = new InsightFixture(InsightConfig.fastWarmup())) {
            Traffic fresh = new Traffic();
            for (int i = 20; i < 22; i++) {
                fresh.minute(f, i);
            }
            fresh.gpt4P95Factor = 3.0;
            fresh.minute(f, 22);
            fresh.minute(f, 23);
            assertThat(f.anomalies.readKeyValuesToMap()).doesNotContainKey("MODEL|gpt-4|latency.p95");
            fresh.gpt4P95Factor = 1.0;
            for (int i = 24; i < 36; i++) {
                fresh.minute(f, i);
            }
            assertThat(ofKind(f.proposals.readValuesToList(), ProposalKind.REROUTE)).hasSize(1);
        }
    }

    /** An engine stored whole by an older version is read, carries on, and is then stored in parts. */
    @Test
    void anEngineStoredAsOneBlobIsReadAndRewrittenAsParts() throws Exception {
        String registry = "mock://insight-blob-" + UUID.randomUUID();
        Traffic t = new Traffic();
        Map<String, byte[]> engine;
        try (InsightFixture f = new InsightFixture(InsightConfig.fastWarmup(), registry,
                Files.createTempDirectory("insight-c"))) {
            for (int i = 0; i < 20; i++) {
                t.minute(f, i);
            }
            assertThat(ofKind(f.proposals.readValuesToList(), ProposalKind.REROUTE)).hasSize(1);
            engine = f.storeContents(InsightTopology.STORE_ENGINE);
        }
        // The same state as the old layout had it: one blob under "engine", one under "tracker".
        io.beastmode.proposals.ProposalConfig proposals = InsightConfig.fastWarmup().proposals()
                .withWindowSizeMs(InsightFixture.MIN);
        Map<String, byte[]> series = seriesParts(engine, "engine");
        Map<String, byte[]> legacy = Map.of(
                "engine", io.beastmode.proposals.ProposalEngine.fromParts(proposals, engine.get("engine.core"), series)
                        .toBytes(),
                "tracker", io.beastmode.proposals.OutcomeTracker.fromParts(proposals, engine.get("tracker.core"),
                        seriesParts(engine, "tracker")).toBytes());

        try (InsightFixture f = new InsightFixture(InsightConfig.fastWarmup(), registry,
                Files.createTempDirectory("insight-d"))) {
            f.restore(InsightTopology.STORE_ENGINE, legacy);
            for (int i = 20; i < 22; i++) {
                t.minute(f, i);
            }
            // The open reroute is remembered, so it is not proposed again.
            assertThat(ofKind(f.proposals.readValuesToList(), ProposalKind.REROUTE)).isEmpty();
            Map<String, byte[]> after = f.storeContents(InsightTopology.STORE_ENGINE);
            assertThat(after).containsKeys("engine.core", "tracker.core").doesNotContainKeys("engine", "tracker");
            assertThat(after.keySet().stream().filter(k -> k.startsWith("engine.series.")))
                    .as("every series of the blob is now a part").containsAll(
                            series.keySet().stream().map(k -> "engine.series." + k).toList());
        }
    }

    private static Map<String, byte[]> seriesParts(Map<String, byte[]> store, String name) {
        Map<String, byte[]> series = new TreeMap<>();
        store.forEach((k, v) -> {
            if (k.startsWith(name + ".series.")) {
                series.put(k.substring((name + ".series.").length()), v);
            }
        });
        return series;
    }
}
