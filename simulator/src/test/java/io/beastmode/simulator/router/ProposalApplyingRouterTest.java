package io.beastmode.simulator.router;

import io.beastmode.analytics.v1.AckStatus;
import io.beastmode.analytics.v1.ExpectedImpact;
import io.beastmode.analytics.v1.OptimizationProposal;
import io.beastmode.analytics.v1.ProposalKind;
import io.beastmode.analytics.v1.ProposalStatus;
import io.beastmode.analytics.v1.ProposalTarget;
import io.beastmode.analytics.v1.RolloutPlan;
import io.beastmode.analytics.v1.StatisticalConfidence;
import io.beastmode.analytics.v1.TargetType;
import io.beastmode.simulator.Router;
import io.beastmode.telemetry.v1.SelectionReason;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ProposalApplyingRouterTest {

    private static final String GPT4 = "gpt-4-1106-preview";
    private static final String MIXTRAL = "mixtral-8x7b-instruct-v0.1";
    private static final long T0 = 1_704_067_200_000L;
    private static final long MIN = 60_000L;

    record Ack(String id, AckStatus status, long at, Double share) {
    }

    private final List<Ack> acks = new ArrayList<>();
    /** Everything to gpt-4, so every move is the router's doing. */
    private final ProposalApplyingRouter router = new ProposalApplyingRouter(
            new Router.StaticShare(MIXTRAL, Map.of()), (id, s, at, share, reason) -> acks.add(new Ack(id, s, at, share)));
    private int n;

    private static OptimizationProposal proposal(String id, ProposalKind kind, TargetType type, String key,
                                                 String action, ProposalStatus status, Map<String, String> params,
                                                 double canary, long canaryMs) {
        return OptimizationProposal.newBuilder().setProposalId(id).setKind(kind)
                .setTarget(ProposalTarget.newBuilder().setType(type).setKey(key).build()).setAction(action)
                .setParameters(params).setStatus(status).setEvidence(List.of())
                .setExpectedImpact(ExpectedImpact.newBuilder().build())
                .setConfidence(StatisticalConfidence.newBuilder().setTest("t").setStatistic(0).setPValue(0.01)
                        .setConfidenceLevel(0.95).build())
                .setRollout(RolloutPlan.newBuilder().setCanaryShare(canary).setCanaryDurationMs(canaryMs)
                        .setFullShare(1.0).build())
                .setCreatedAt(T0).setExpiresAt(T0 + 3_600_000L).setSupersedes(null).build();
    }

    /** Routes 1000 requests of a type at time t; returns the share that went to mixtral. */
    private double mixtralShare(String type, long t) {
        int mixtral = 0;
        for (int i = 0; i < 1000; i++) {
            Router.Decision d = router.route(new Router.Request("r-" + (n++), t, "tenant", type, GPT4,
                    List.of(GPT4, MIXTRAL), 0.5));
            if (d.model().equals(MIXTRAL)) {
                mixtral++;
                assertThat(d.reason()).isEqualTo(SelectionReason.PROPOSAL);
                assertThat(d.proposalId()).isNotNull();
            }
        }
        return mixtral / 1000.0;
    }

    @Test
    void rerouteGoesCanaryThenFullInEventTimeAndIsAcknowledged() {
        assertThat(mixtralShare("conversation", T0)).isZero();
        router.offer(proposal("p1", ProposalKind.REROUTE, TargetType.REQUEST_TYPE, "conversation", "reroute",
                ProposalStatus.OPEN, Map.of("requestType", "conversation", "fromModel", GPT4, "toModel", MIXTRAL),
                0.1, 30 * MIN));
        assertThat(mixtralShare("conversation", T0 + MIN)).isBetween(0.07, 0.13);
        assertThat(mixtralShare("code", T0 + MIN)).isZero();
        assertThat(acks).containsExactly(new Ack("p1", AckStatus.ACCEPTED, T0 + MIN, null),
                new Ack("p1", AckStatus.APPLIED, T0 + MIN, 0.1));
        assertThat(mixtralShare("conversation", T0 + 30 * MIN)).isBetween(0.07, 0.13);
        assertThat(mixtralShare("conversation", T0 + 31 * MIN)).isEqualTo(1.0);
        assertThat(acks).last().isEqualTo(new Ack("p1", AckStatus.APPLIED, T0 + 31 * MIN, 1.0));
        // The same record read again (table replay) changes nothing.
        router.offer(proposal("p1", ProposalKind.REROUTE, TargetType.REQUEST_TYPE, "conversation", "reroute",
                ProposalStatus.OPEN, Map.of("requestType", "conversation", "fromModel", GPT4, "toModel", MIXTRAL),
                0.1, 30 * MIN));
        mixtralShare("conversation", T0 + 32 * MIN);
        assertThat(acks).hasSize(3);
    }

    @Test
    void fallbackMovesTheModelsTrafficUntilLifted() {
        router.offer(proposal("f1", ProposalKind.FALLBACK, TargetType.MODEL, GPT4, "fallback", ProposalStatus.OPEN,
                Map.of("fromModel", GPT4, "toModel", MIXTRAL), 1.0, 0));
        assertThat(mixtralShare("code", T0)).isEqualTo(1.0);
        assertThat(acks).containsExactly(new Ack("f1", AckStatus.ACCEPTED, T0, null),
                new Ack("f1", AckStatus.APPLIED, T0, 1.0));
        router.offer(proposal("l1", ProposalKind.FALLBACK, TargetType.MODEL, GPT4, "lift_fallback",
                ProposalStatus.LIFTED, Map.of("fromModel", GPT4, "toModel", MIXTRAL, "liftOf", "f1"), 0.25, 10 * MIN));
        assertThat(mixtralShare("code", T0 + 5 * MIN)).isBetween(0.71, 0.79);
        assertThat(mixtralShare("code", T0 + 15 * MIN)).isZero();
        assertThat(acks).contains(new Ack("l1", AckStatus.APPLIED, T0 + 5 * MIN, 0.25),
                new Ack("l1", AckStatus.APPLIED, T0 + 15 * MIN, 1.0));
    }

    @Test
    void rollbackUndoesAndCacheIsRejected() {
        router.offer(proposal("p1", ProposalKind.REROUTE, TargetType.REQUEST_TYPE, "code", "reroute",
                ProposalStatus.OPEN, Map.of("requestType", "code", "fromModel", GPT4, "toModel", MIXTRAL), 1.0, 0));
        assertThat(mixtralShare("code", T0)).isEqualTo(1.0);
        router.offer(proposal("rb", ProposalKind.ROLLBACK, TargetType.REQUEST_TYPE, "code", "rollback",
                ProposalStatus.OPEN, Map.of("rollbackOf", "p1"), 1.0, 0));
        router.offer(proposal("c1", ProposalKind.CACHE, TargetType.CACHE_NAMESPACE, "SEMANTIC/faq", "extend_ttl",
                ProposalStatus.OPEN, Map.of(), 0.25, 0));
        assertThat(mixtralShare("code", T0 + MIN)).isZero();
        assertThat(acks).contains(new Ack("p1", AckStatus.ROLLED_BACK, T0 + MIN, null),
                new Ack("rb", AckStatus.APPLIED, T0 + MIN, 1.0), new Ack("c1", AckStatus.REJECTED, T0 + MIN, null));
    }

    @Test
    void pacingWaitsForThePipelineButNotForever() {
        long[] pipeline = {T0};
        router.paceBy(() -> pipeline[0], 3 * MIN, java.time.Duration.ofMillis(200));
        long t = System.nanoTime();
        router.route(new Router.Request("a", T0 + 3 * MIN, "t", "code", GPT4, List.of(GPT4, MIXTRAL), 0.5));
        assertThat((System.nanoTime() - t) / 1e6).as("within the lead: no wait").isLessThan(100);
        assertThat(router.gateTimeouts()).isZero();
        t = System.nanoTime();
        router.route(new Router.Request("b", T0 + 5 * MIN, "t", "code", GPT4, List.of(GPT4, MIXTRAL), 0.5));
        assertThat((System.nanoTime() - t) / 1e6).as("ahead: waits up to the maximum").isGreaterThanOrEqualTo(190);
        assertThat(router.gateTimeouts()).isEqualTo(1);
        pipeline[0] = T0 + 2 * MIN;
        router.route(new Router.Request("c", T0 + 5 * MIN, "t", "code", GPT4, List.of(GPT4, MIXTRAL), 0.5));
        assertThat(router.gateTimeouts()).isEqualTo(1);
    }
}
