package io.beastmode.proposals;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class FallbackRuleTest {

    private static final double[] BASELINE_P95 = {1000, 1040, 980, 1020, 990, 1030, 1010, 970, 1000, 1050};

    private final ProposalConfig config = ProposalConfig.defaults();

    /** One minute: gpt-4 (expensive, p95 as given) and claude (cheaper, 900 ms) both serve request type 'qa'. */
    private List<Proposal> minute(ProposalEngine engine, int i, double gpt4P95, long gpt4Errors) {
        List<Proposal> out = new ArrayList<>();
        out.addAll(engine.onWindow(Dimension.MODEL, "gpt-4",
                Snap.window(i).requests(100, gpt4Errors, gpt4P95).cost(100, 3.0).build()));
        out.addAll(engine.onWindow(Dimension.MODEL, "claude",
                Snap.window(i).requests(40, 0, 900).cost(40, 0.4).build()));
        out.addAll(engine.onWindow(Dimension.REQUEST_TYPE, "qa", Snap.window(i)
                .selection(Map.of("gpt-4", 100L, "claude", 40L),
                        Map.of("gpt-4", new long[]{100, 80}, "claude", new long[]{40, 31})).build()));
        return out;
    }

    private ProposalEngine engineWithBaseline() {
        ProposalEngine engine = new ProposalEngine(config);
        for (int i = 0; i < BASELINE_P95.length; i++) {
            assertThat(minute(engine, i, BASELINE_P95[i], 1)).isEmpty();
        }
        return engine;
    }

    private static AnomalySignal p95Anomaly(int window, double observed) {
        return AnomalySignal.anomaly(Dimension.MODEL, "gpt-4", "latency.p95", Snap.start(window), Snap.end(window),
                observed, 1009, 0.95);
    }

    @Test
    void primaryRequestTypeIsWhatTheModelServesNowNotWhatItServedBeforeAReroute() {
        ProposalEngine engine = new ProposalEngine(config);
        // Minutes 0-9: gpt-4 serves 'chat' heavily; then chat is rerouted away and gpt-4 serves only 'qa' (less
        // traffic). chat|gpt-4 keeps its last windows in the state, but they are over 30 minutes old by minute 45.
        for (int i = 0; i < 10; i++) {
            engine.onWindow(Dimension.REQUEST_TYPE_MODEL, "chat|gpt-4", Snap.window(i).requests(500, 0, 900).build());
        }
        for (int i = 0; i < 46; i++) {
            engine.onWindow(Dimension.REQUEST_TYPE_MODEL, "qa|gpt-4",
                    Snap.window(i).requests(100, 0, i < 45 ? 1000 + 10 * (i % 3) : 3000).build());
            minute(engine, i, i < 45 ? BASELINE_P95[i % BASELINE_P95.length] : 3000, 1);
        }
        assertThat(engine.onAnomaly(p95Anomaly(45, 3000))).singleElement().satisfies(p ->
                assertThat(p.parameters()).containsEntry("primaryRequestType", "qa"));
    }

    @Test
    void anomalousLatencyMovesTrafficToNextBestAndLiftsAfterRecovery() {
        ProposalEngine engine = engineWithBaseline();
        assertThat(minute(engine, 10, 3000, 1)).isEmpty(); // no signal yet: the rule waits for the detector
        List<Proposal> out = engine.onAnomaly(p95Anomaly(10, 3000));

        assertThat(out).hasSize(1);
        Proposal fallback = out.get(0);
        assertThat(fallback.kind()).isEqualTo(ProposalKind.FALLBACK);
        assertThat(fallback.target()).isEqualTo(Target.model("gpt-4"));
        assertThat(fallback.action()).isEqualTo("fallback");
        assertThat(fallback.parameters()).containsEntry("fromModel", "gpt-4").containsEntry("toModel", "claude")
                .containsEntry("metric", "latency.p95").containsEntry("primaryRequestType", "qa");
        // One anomalous window against ten baseline p95s (mean 1009, sd 25.58): prediction t = 1991/(sd*sqrt(1.1)).
        double sd = Math.sqrt(java.util.Arrays.stream(BASELINE_P95).map(x -> (x - 1009) * (x - 1009)).sum() / 9);
        assertThat(fallback.confidence().test()).isEqualTo("prediction-t");
        assertThat(fallback.confidence().statistic()).isCloseTo(1991 / (sd * Math.sqrt(1.1)),
                org.assertj.core.api.Assertions.within(1e-6));
        assertThat(fallback.confidence().pValue()).isLessThan(1e-6);
        assertThat(fallback.rollout()).isEqualTo(RolloutPlan.immediate());
        assertThat(fallback.expectedImpact().latencyP95DeltaMs()).isEqualTo(900.0 - 3000.0);

        // Still degraded, still signalled: the open fallback is not repeated.
        assertThat(minute(engine, 11, 3100, 1)).isEmpty();
        assertThat(engine.onAnomaly(p95Anomaly(11, 3100))).isEmpty();
        assertThat(minute(engine, 12, 1020, 1)).isEmpty();
        assertThat(engine.onRecovery(AnomalySignal.recovery(Dimension.MODEL, "gpt-4", "latency.p95",
                Snap.start(12), Snap.end(12), 1020, 1009))).isEmpty();

        // Healthy windows after the last anomalous one (11): 12 and 13 are not enough, 14 is the third.
        assertThat(minute(engine, 13, 1000, 1)).isEmpty();
        List<Proposal> lifted = minute(engine, 14, 990, 1);
        assertThat(lifted).singleElement().satisfies(p -> {
            assertThat(p.status()).isEqualTo(ProposalStatus.LIFTED);
            assertThat(p.action()).isEqualTo("lift_fallback");
            assertThat(p.target()).isEqualTo(Target.model("gpt-4"));
            assertThat(p.supersedes()).isEqualTo(fallback.proposalId());
            assertThat(p.parameters()).containsEntry("liftOf", fallback.proposalId()).containsEntry("probe", "false");
        });
        assertThat(engine.openProposals()).isEmpty();
        assertThat(minute(engine, 15, 1000, 1)).isEmpty();
    }

    @Test
    void signalContradictedByTheWindowsIsIgnored() {
        ProposalEngine engine = engineWithBaseline();
        minute(engine, 10, 1010, 1);
        assertThat(engine.onAnomaly(p95Anomaly(10, 1010))).isEmpty();
    }

    @Test
    void withoutBaselineTheScoreDecides() {
        ProposalEngine engine = new ProposalEngine(config);
        minute(engine, 0, 3000, 1);
        AnomalySignal weak = AnomalySignal.anomaly(Dimension.MODEL, "gpt-4", "latency.p99", Snap.start(0),
                Snap.end(0), 3000, 1000, 0.3);
        assertThat(engine.onAnomaly(weak)).isEmpty();
        AnomalySignal strong = AnomalySignal.anomaly(Dimension.MODEL, "gpt-4", "latency.p99", Snap.start(0),
                Snap.end(0), 3000, 1000, 0.8);
        assertThat(engine.onAnomaly(strong)).singleElement().satisfies(p -> {
            assertThat(p.confidence().test()).isEqualTo("anomaly-score");
            assertThat(p.confidence().pValue()).isCloseTo(0.2, org.assertj.core.api.Assertions.within(1e-12));
        });
    }

    @Test
    void errorRateAnomalyIsConfirmedWithTwoProportionTestAndSignalsOnTypeModelSeriesCount() {
        ProposalEngine engine = engineWithBaseline();
        minute(engine, 10, 1000, 30); // 30% errors against 1% before
        AnomalySignal errors = AnomalySignal.anomaly(Dimension.REQUEST_TYPE_MODEL, "qa|gpt-4", "requests.errorRate",
                Snap.start(10), Snap.end(10), 0.3, 0.01, 0.9);
        assertThat(engine.onAnomaly(errors)).singleElement().satisfies(p -> {
            assertThat(p.target()).isEqualTo(Target.model("gpt-4"));
            assertThat(p.confidence().test()).isEqualTo("two-proportion-z");
            assertThat(p.parameters()).containsEntry("metric", "requests.errorRate");
        });
    }

    @Test
    void neverFallsBackOntoAnotherAnomalousModel() {
        ProposalEngine engine = engineWithBaseline();
        minute(engine, 10, 3000, 1);
        engine.onAnomaly(AnomalySignal.anomaly(Dimension.MODEL, "claude", "latency.p95", Snap.start(10),
                Snap.end(10), 5000, 900, 0.9));
        assertThat(engine.onAnomaly(p95Anomaly(10, 3000))).isEmpty(); // claude is the only other model
    }

    @Test
    void appliedFallbackOfAModelWithoutTrafficIsLiftedAsAProbeOnceTheAnomalyIsStale() {
        ProposalEngine engine = engineWithBaseline();
        minute(engine, 10, 3000, 1);
        Proposal fallback = engine.onAnomaly(p95Anomaly(10, 3000)).get(0);
        engine.onAck(new RoutingAck(fallback.proposalId(), RoutingAck.Status.APPLIED, Snap.end(10), 1.0, null));
        // No gpt-4 windows any more: the detector falls silent. Within the stale span nothing happens...
        assertThat(engine.onTime(Snap.end(19))).isEmpty();
        // ...past it (10 windows after the last anomalous one), the lift comes as a probe, even after expiry
        // of the (applied) fallback.
        List<Proposal> out = engine.onTime(Snap.end(20) + 1);
        assertThat(out).singleElement().satisfies(p -> {
            assertThat(p.action()).isEqualTo("lift_fallback");
            assertThat(p.parameters()).containsEntry("probe", "true");
            assertThat(p.rollout().canaryShare()).isLessThan(1.0);
        });
    }
}
