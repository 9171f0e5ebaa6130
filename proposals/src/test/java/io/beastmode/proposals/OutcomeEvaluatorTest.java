package io.beastmode.proposals;

import io.beastmode.processors.metrics.MetricsSnapshot;
import org.apache.commons.math3.stat.inference.TTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class OutcomeEvaluatorTest {

    private static final double[] NOISE = {-40, 25, -10, 35, 0, -25, 15, -35, 30, 5};

    private final ProposalConfig config = ProposalConfig.defaults();
    private final OutcomeEvaluator evaluator = new OutcomeEvaluator(config);

    static Proposal proposal(ProposalKind kind, Target target, String action, Map<String, String> params) {
        return new Proposal(ProposalEngine.proposalId(kind, target, action, Snap.T0), kind, target, action,
                new TreeMap<>(params), ProposalStatus.OPEN, List.of(), ExpectedImpact.NONE,
                new Confidence("t", 0, 0, 0.95), RolloutPlan.immediate(), Snap.T0, Snap.T0 + ProposalConfig.HOUR,
                null);
    }

    static Proposal fallback() {
        return proposal(ProposalKind.FALLBACK, Target.model("gpt-4"), "fallback",
                Map.of("fromModel", "gpt-4", "toModel", "claude", "metric", "latency.p95",
                        "primaryRequestType", "qa"));
    }

    static Proposal reroute() {
        return proposal(ProposalKind.REROUTE, Target.requestType("qa"), "reroute",
                Map.of("fromModel", "gpt-4", "toModel", "mixtral"));
    }

    /** Windows from..from+9 of request type qa: p95 level plus noise, 1000 requests, given cost and quality. */
    static List<MetricsSnapshot> windows(int from, double p95, double costPerRequest, long correctPerThousand) {
        List<MetricsSnapshot> out = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            out.add(Snap.window(from + i).requests(1000, 10, p95 + NOISE[i])
                    .cost(1000, 1000 * costPerRequest * (1 + NOISE[i] / 1000))
                    .selection(Map.of("m", 1000L), Map.of("m", new long[]{1000, correctPerThousand})).build());
        }
        return out;
    }

    private static Effect effect(ProposalOutcome o, String metric) {
        return o.effects().stream().filter(e -> e.metric().equals(metric)).findFirst().orElseThrow();
    }

    @Test
    void fallbackThatBroughtP95DownIsImproved() {
        List<MetricsSnapshot> before = windows(0, 3000, 0.03, 800);
        List<MetricsSnapshot> after = windows(20, 1000, 0.03, 800);
        ProposalOutcome o = evaluator.evaluate(fallback(), Snap.end(9), before, after, Map.of(), Snap.end(29));
        assertThat(o.verdict()).isEqualTo(OutcomeVerdict.IMPROVED);
        assertThat(o.rollback()).isNull();
        Effect p95 = effect(o, "latency.p95");
        assertThat(p95.before()).isCloseTo(3000, within(1e-9)); // the noise sums to zero
        assertThat(p95.after()).isCloseTo(1000, within(1e-9));
        assertThat(p95.relativeDelta()).isCloseTo(-2.0 / 3, within(1e-9));
        double[] b = before.stream().mapToDouble(w -> w.latency().p95()).toArray();
        double[] a = after.stream().mapToDouble(w -> w.latency().p95()).toArray();
        assertThat(p95.test()).isEqualTo("welch-t");
        assertThat(p95.pValue()).isCloseTo(new TTest().tTest(b, a), within(1e-12));
        assertThat(p95.samplesBefore()).isEqualTo(10);
        assertThat(o.beforeStart()).isEqualTo(Snap.start(0));
        assertThat(o.afterEnd()).isEqualTo(Snap.end(29));
    }

    @Test
    void unchangedMetricsAreNoEffect() {
        List<MetricsSnapshot> before = windows(0, 1000, 0.03, 800);
        List<MetricsSnapshot> after = windows(20, 1000, 0.03, 800);
        ProposalOutcome o = evaluator.evaluate(fallback(), Snap.end(9), before, after, Map.of(), Snap.end(29));
        assertThat(o.verdict()).isEqualTo(OutcomeVerdict.NO_EFFECT);
        assertThat(effect(o, "latency.p95").pValue()).isCloseTo(1.0, within(1e-9));
        assertThat(effect(o, "requests.errorRate").pValue()).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void rerouteThatCutCostWithinQualityToleranceIsImproved() {
        List<MetricsSnapshot> before = windows(0, 1000, 0.03, 800);
        List<MetricsSnapshot> after = windows(20, 1000, 0.012, 795);
        ProposalOutcome o = evaluator.evaluate(reroute(), Snap.end(9), before, after, Map.of(), Snap.end(29));
        assertThat(o.verdict()).isEqualTo(OutcomeVerdict.IMPROVED);
        assertThat(effect(o, "cost.perRequestUsd").relativeDelta()).isCloseTo(-0.6, within(1e-9));
        // 8000/10000 vs 7950/10000 correct: a half-point drop, inside the two-point tolerance.
        assertThat(effect(o, "selection.quality").delta()).isCloseTo(-0.005, within(1e-12));
    }

    @Test
    void rerouteThatLostQualityRegressesAndYieldsRollback() {
        Proposal applied = reroute();
        List<MetricsSnapshot> before = windows(0, 1000, 0.03, 800);
        List<MetricsSnapshot> after = windows(20, 1000, 0.012, 700);
        ProposalOutcome o = evaluator.evaluate(applied, Snap.end(9), before, after, Map.of(), Snap.end(29));
        assertThat(o.verdict()).isEqualTo(OutcomeVerdict.REGRESSED);
        Effect quality = effect(o, "selection.quality");
        // Pooled two-proportion z: p = 0.75, se = sqrt(.75*.25*(2/10000)) = 0.0061237; z = -0.1/se = -16.33.
        assertThat(quality.test()).isEqualTo("two-proportion-z");
        assertThat(quality.pValue()).isLessThan(1e-50);
        Proposal rollback = o.rollback();
        assertThat(rollback).isNotNull();
        assertThat(o.rollbackProposalId()).isEqualTo(rollback.proposalId());
        assertThat(rollback.kind()).isEqualTo(ProposalKind.ROLLBACK);
        assertThat(rollback.action()).isEqualTo("rollback");
        assertThat(rollback.target()).isEqualTo(applied.target());
        assertThat(rollback.supersedes()).isEqualTo(applied.proposalId());
        assertThat(rollback.parameters()).containsEntry("rollbackOf", applied.proposalId())
                .containsEntry("fromModel", "gpt-4").containsEntry("toModel", "mixtral");
        assertThat(rollback.evidence()).extracting(Evidence::metric).containsExactly("selection.quality");
        assertThat(rollback.expectedImpact().qualityDelta()).isCloseTo(0.1, within(1e-12));
        assertThat(rollback.confidence().statistic()).isCloseTo(-0.1 / Math.sqrt(0.75 * 0.25 * 2 / 10000),
                within(1e-6));
        assertThat(rollback.createdAt()).isEqualTo(Snap.end(29));
    }

    @Test
    void fallbackThatMadeLatencyWorseRegresses() {
        ProposalOutcome o = evaluator.evaluate(fallback(), Snap.end(9), windows(0, 1000, 0.03, 800),
                windows(20, 1500, 0.03, 800), Map.of(), Snap.end(29));
        assertThat(o.verdict()).isEqualTo(OutcomeVerdict.REGRESSED);
        assertThat(o.rollback().evidence()).extracting(Evidence::metric).containsExactly("latency.p95");
    }

    @Test
    void tooFewWindowsAreInconclusive() {
        ProposalOutcome o = evaluator.evaluate(fallback(), Snap.end(9), windows(0, 3000, 0.03, 800),
                windows(20, 1000, 0.03, 800).subList(0, 2), Map.of(), Snap.end(21));
        assertThat(o.verdict()).isEqualTo(OutcomeVerdict.INCONCLUSIVE);
        assertThat(o.rollback()).isNull();
    }

    @Test
    void cacheHitRateIncreaseIsImproved() {
        Proposal ttl = proposal(ProposalKind.CACHE, Target.cacheNamespace("EXACT", "faq"), "extend_ttl",
                Map.of("ttlMs", "1260000"));
        List<MetricsSnapshot> before = new ArrayList<>();
        List<MetricsSnapshot> after = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            before.add(Snap.window(i).cache(Map.of("HIT", 500L, "MISS", 20L, "EXPIRED", 80L), 50, List.of()).build());
            after.add(Snap.window(20 + i).cache(Map.of("HIT", 560L, "MISS", 20L, "EXPIRED", 20L), 5, List.of())
                    .build());
        }
        ProposalOutcome o = evaluator.evaluate(ttl, Snap.end(9), before, after, Map.of(), Snap.end(29));
        assertThat(o.verdict()).isEqualTo(OutcomeVerdict.IMPROVED);
        assertThat(effect(o, "cache.hitRate").delta()).isCloseTo(0.1, within(1e-12));
    }

    @Test
    void costFromModelSharesWhenWindowsHaveNoCostStats() {
        MetricsSnapshot w = Snap.window(0).selection(Map.of("a", 75L, "b", 25L), Map.of()).build();
        assertThat(OutcomeEvaluator.costPerRequest(w, Map.of("a", 0.02, "b", 0.004)))
                .isCloseTo(0.75 * 0.02 + 0.25 * 0.004, within(1e-15));
        assertThat(OutcomeEvaluator.costPerRequest(w, Map.of("a", 0.02))).isNaN();
    }
}
