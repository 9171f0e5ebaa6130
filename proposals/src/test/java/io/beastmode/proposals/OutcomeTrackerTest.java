package io.beastmode.proposals;

import io.beastmode.processors.metrics.MetricsSnapshot;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OutcomeTrackerTest {

    private final ProposalConfig config = ProposalConfig.defaults();

    /** Request type qa: p95 3000 ms in minutes 0-9 (degraded), 2000 in the canary (10-14), 1000 from 15 on. */
    private static MetricsSnapshot qa(int i) {
        double level = i < 10 ? 3000 : i < 15 ? 2000 : 1000;
        return Snap.window(i).requests(1000, 10, level + (i % 2 == 0 ? 20 : -20)).build();
    }

    private static List<ProposalOutcome> feed(OutcomeTracker tracker, int from, int to) {
        List<ProposalOutcome> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.addAll(tracker.onWindow(Dimension.REQUEST_TYPE, "qa", qa(i)));
            out.addAll(tracker.onWindow(Dimension.REQUEST_TYPE, "other", qa(i))); // another series: ignored
        }
        return out;
    }

    @Test
    void measuresEqualSpansAroundTheCanaryAndEmitsOnce() {
        OutcomeTracker tracker = new OutcomeTracker(config);
        Proposal fallback = OutcomeEvaluatorTest.fallback();
        tracker.onProposal(fallback);
        assertThat(feed(tracker, 0, 10)).isEmpty();
        tracker.onAck(new RoutingAck(fallback.proposalId(), RoutingAck.Status.ACCEPTED, Snap.end(9), null, null));
        tracker.onAck(new RoutingAck(fallback.proposalId(), RoutingAck.Status.APPLIED, Snap.end(9), 0.25, null));
        assertThat(feed(tracker, 10, 15)).isEmpty();
        tracker.onAck(new RoutingAck(fallback.proposalId(), RoutingAck.Status.APPLIED, Snap.end(14), 1.0, null));
        assertThat(feed(tracker, 15, 24)).isEmpty(); // nine windows after full rollout: not yet
        assertThat(tracker.pending()).containsExactly(fallback.proposalId());

        List<ProposalOutcome> out = feed(tracker, 24, 25);
        assertThat(out).singleElement().satisfies(o -> {
            assertThat(o.proposalId()).isEqualTo(fallback.proposalId());
            assertThat(o.verdict()).isEqualTo(OutcomeVerdict.IMPROVED);
            assertThat(o.appliedAt()).isEqualTo(Snap.end(9));
            assertThat(o.beforeStart()).isEqualTo(Snap.start(0));
            assertThat(o.beforeEnd()).isEqualTo(Snap.end(9));
            // The canary minutes 10-14 belong to neither span.
            assertThat(o.afterStart()).isEqualTo(Snap.start(15));
            assertThat(o.afterEnd()).isEqualTo(Snap.end(24));
            assertThat(o.evaluatedAt()).isEqualTo(Snap.end(24));
            Effect p95 = o.effects().stream().filter(e -> e.metric().equals("latency.p95")).findFirst().orElseThrow();
            assertThat(p95.before()).isEqualTo(3000.0);
            assertThat(p95.after()).isEqualTo(1000.0);
            assertThat(p95.samplesBefore()).isEqualTo(10);
            assertThat(p95.samplesAfter()).isEqualTo(10);
        });
        assertThat(tracker.pending()).isEmpty();
        // A replayed ack or proposal does not measure it again.
        tracker.onProposal(fallback);
        tracker.onAck(new RoutingAck(fallback.proposalId(), RoutingAck.Status.APPLIED, Snap.end(30), 1.0, null));
        assertThat(feed(tracker, 25, 45)).isEmpty();
    }

    @Test
    void rejectedOrSupersededBeforeApplyIsNeverMeasured() {
        OutcomeTracker tracker = new OutcomeTracker(config);
        Proposal a = OutcomeEvaluatorTest.fallback();
        Proposal b = OutcomeEvaluatorTest.reroute();
        tracker.onProposal(a);
        tracker.onProposal(b);
        tracker.onAck(new RoutingAck(a.proposalId(), RoutingAck.Status.REJECTED, Snap.end(0), null, "no"));
        tracker.onProposal(b.withStatus(ProposalStatus.SUPERSEDED));
        tracker.onAck(new RoutingAck(b.proposalId(), RoutingAck.Status.APPLIED, Snap.end(0), null, null));
        assertThat(feed(tracker, 0, 40)).isEmpty();
        assertThat(tracker.onTime(Snap.end(100))).isEmpty();
    }

    @Test
    void quietTargetEndsInconclusiveAfterTheSpan() {
        OutcomeTracker tracker = new OutcomeTracker(config);
        Proposal fallback = OutcomeEvaluatorTest.fallback();
        tracker.onProposal(fallback);
        feed(tracker, 0, 10);
        tracker.onAck(new RoutingAck(fallback.proposalId(), RoutingAck.Status.APPLIED, Snap.end(9), null, null));
        // Ten windows plus one of lateness after the full rollout at end(9).
        assertThat(tracker.onTime(Snap.end(19))).isEmpty();
        assertThat(tracker.onTime(Snap.end(20))).singleElement()
                .satisfies(o -> assertThat(o.verdict()).isEqualTo(OutcomeVerdict.INCONCLUSIVE));
    }

    @Test
    void regressionRollbackIsTrackedAsAProposalOfItsOwn() {
        OutcomeTracker tracker = new OutcomeTracker(config);
        Proposal fallback = OutcomeEvaluatorTest.fallback();
        tracker.onProposal(fallback);
        for (int i = 0; i < 10; i++) {
            tracker.onWindow(Dimension.REQUEST_TYPE, "qa", Snap.window(i).requests(1000, 10, 1000 + i % 2).build());
        }
        tracker.onAck(new RoutingAck(fallback.proposalId(), RoutingAck.Status.APPLIED, Snap.end(9), null, null));
        List<ProposalOutcome> out = new ArrayList<>();
        for (int i = 10; i < 20; i++) {
            out.addAll(tracker.onWindow(Dimension.REQUEST_TYPE, "qa",
                    Snap.window(i).requests(1000, 10, 2000 + i % 2).build()));
        }
        assertThat(out).singleElement().satisfies(o -> {
            assertThat(o.verdict()).isEqualTo(OutcomeVerdict.REGRESSED);
            assertThat(o.rollback()).isNotNull();
        });
        String rollbackId = out.get(0).rollbackProposalId();
        assertThat(tracker.onAck(new RoutingAck(rollbackId, RoutingAck.Status.APPLIED, Snap.end(19), null, null)))
                .isEmpty();
        assertThat(tracker.pending()).containsExactly(rollbackId);
    }

    /** A fallback that halves the cost per request but raises errors from 1% to 5%, then its rollback. */
    private static MetricsSnapshot costly(int i, double costPerRequest, long errors) {
        double noise = i % 2 == 0 ? 1.01 : 0.99;
        return Snap.window(i).requests(1000, errors, 1000 + i % 2).cost(1000, 1000 * costPerRequest * noise).build();
    }

    private static List<ProposalOutcome> feedCostly(OutcomeTracker tracker, int from, int to, double cost,
                                                    long errors) {
        List<ProposalOutcome> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.addAll(tracker.onWindow(Dimension.REQUEST_TYPE, "qa", costly(i, cost, errors)));
        }
        return out;
    }

    @Test
    void rollbackIsJudgedAgainstTheStateItRestoresAndNeverRolledBackItself() {
        OutcomeTracker tracker = new OutcomeTracker(config);
        Proposal fallback = OutcomeEvaluatorTest.fallback();
        tracker.onProposal(fallback);
        feedCostly(tracker, 0, 10, 1.0, 10);
        tracker.onAck(new RoutingAck(fallback.proposalId(), RoutingAck.Status.APPLIED, Snap.end(9), null, null));
        List<ProposalOutcome> first = feedCostly(tracker, 10, 20, 0.5, 50);
        assertThat(first).singleElement().satisfies(o -> {
            assertThat(o.verdict()).isEqualTo(OutcomeVerdict.REGRESSED); // errors 1% -> 5%, though cost halved
            assertThat(o.rollback().evidence()).extracting(Evidence::metric).containsExactly("requests.errorRate");
        });
        String rollbackId = first.get(0).rollbackProposalId();
        tracker.onAck(new RoutingAck(rollbackId, RoutingAck.Status.APPLIED, Snap.end(19), null, null));
        // Round trip mid-measurement: the restored windows are state too.
        OutcomeTracker restored = OutcomeTracker.fromBytes(config, tracker.toBytes());

        // Undone: the cost doubles back to what it was and the errors fall back to 1%.
        List<ProposalOutcome> second = feedCostly(restored, 20, 30, 1.0, 10);
        assertThat(second).singleElement().satisfies(o -> {
            assertThat(o.proposalId()).isEqualTo(rollbackId);
            assertThat(o.kind()).isEqualTo(ProposalKind.ROLLBACK);
            Effect cost = o.effects().stream().filter(e -> e.metric().equals("cost.perRequestUsd")).findFirst()
                    .orElseThrow();
            assertThat(cost.relativeDelta()).isGreaterThan(0.9); // up again against the rolled-back span ...
            assertThat(o.verdict()).isEqualTo(OutcomeVerdict.IMPROVED); // ... but that is the restored state
            assertThat(o.rollback()).isNull();
        });
        assertThat(restored.pending()).isEmpty();
        assertThat(feedCostly(restored, 30, 45, 1.0, 10)).isEmpty();
    }

    @Test
    void rollbackThatLeavesThingsWorseThanBeforeIsRegressedButNotRolledBack() {
        OutcomeTracker tracker = new OutcomeTracker(config);
        Proposal fallback = OutcomeEvaluatorTest.fallback();
        tracker.onProposal(fallback);
        feedCostly(tracker, 0, 10, 1.0, 10);
        tracker.onAck(new RoutingAck(fallback.proposalId(), RoutingAck.Status.APPLIED, Snap.end(9), null, null));
        String rollbackId = feedCostly(tracker, 10, 20, 0.5, 50).get(0).rollbackProposalId();
        tracker.onAck(new RoutingAck(rollbackId, RoutingAck.Status.APPLIED, Snap.end(19), null, null));
        // Errors recover, but the cost ends 50% above the state the rollback was to restore.
        assertThat(feedCostly(tracker, 20, 30, 1.5, 10)).singleElement().satisfies(o -> {
            assertThat(o.verdict()).isEqualTo(OutcomeVerdict.REGRESSED);
            assertThat(o.rollback()).isNull();
        });
        assertThat(tracker.pending()).isEmpty();
    }

    @Test
    void stateRoundTripsThroughBytesMidMeasurement() {
        OutcomeTracker original = new OutcomeTracker(config);
        Proposal fallback = OutcomeEvaluatorTest.fallback();
        original.onProposal(fallback);
        feed(original, 0, 10);
        original.onAck(new RoutingAck(fallback.proposalId(), RoutingAck.Status.APPLIED, Snap.end(9), 1.0, null));
        feed(original, 10, 15);
        byte[] bytes = original.toBytes();
        OutcomeTracker restored = OutcomeTracker.fromBytes(config, bytes);
        assertThat(restored.toBytes()).isEqualTo(bytes);
        List<ProposalOutcome> a = feed(original, 15, 25);
        List<ProposalOutcome> b = feed(restored, 15, 25);
        assertThat(a).hasSize(1).isEqualTo(b);
        assertThat(restored.toBytes()).isEqualTo(original.toBytes());
    }

    /** The parts drained along the way, applied to a map as a store would, rebuild the same tracker mid-measurement. */
    @Test
    void drainedPartsRebuildTheSameTrackerMidMeasurement() {
        OutcomeTracker original = new OutcomeTracker(config);
        java.util.Map<String, byte[]> series = new java.util.TreeMap<>();
        java.util.function.Supplier<byte[]> drain = () -> {
            StateParts parts = original.drainChanges();
            parts.series().forEach((k, v) -> {
                if (v == null) {
                    series.remove(k);
                } else {
                    series.put(k, v);
                }
            });
            return parts.core();
        };
        Proposal fallback = OutcomeEvaluatorTest.fallback();
        original.onProposal(fallback);
        feed(original, 0, 10);
        drain.get();
        original.onAck(new RoutingAck(fallback.proposalId(), RoutingAck.Status.APPLIED, Snap.end(9), 1.0, null));
        feed(original, 10, 15);
        byte[] core = drain.get();
        assertThat(series).isNotEmpty();
        OutcomeTracker restored = OutcomeTracker.fromParts(config, core, series);
        assertThat(restored.toBytes()).isEqualTo(original.toBytes());
        assertThat(restored.drainChanges().series()).isEmpty();
        List<ProposalOutcome> a = feed(original, 15, 25);
        List<ProposalOutcome> b = feed(restored, 15, 25);
        assertThat(a).hasSize(1).isEqualTo(b);
    }
}
