package io.beastmode.proposals;

import io.beastmode.processors.metrics.MetricsSnapshot.QualityStat;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RerouteRuleTest {

    private final ProposalConfig config = ProposalConfig.defaults();

    /** One busy minute of request type 'qa': gpt-4 serves 2/3 at $0.03, mixtral 1/3 at $0.006 per request. */
    private List<Proposal> feedQa(ProposalEngine engine, int window, long mixtralSamples, long mixtralCorrect) {
        List<Proposal> out = new ArrayList<>();
        out.addAll(engine.onWindow(Dimension.REQUEST_TYPE_MODEL, "qa|gpt-4",
                Snap.window(window).cost(3000, 90.0).build()));
        out.addAll(engine.onWindow(Dimension.REQUEST_TYPE_MODEL, "qa|mixtral",
                Snap.window(window).cost(mixtralSamples, mixtralSamples * 0.006).build()));
        out.addAll(engine.onWindow(Dimension.REQUEST_TYPE, "qa", Snap.window(window)
                .selection(Map.of("gpt-4", 3000L, "mixtral", mixtralSamples),
                        Map.of("gpt-4", new long[]{3000, 2400}, "mixtral", new long[]{mixtralSamples, mixtralCorrect}))
                .build()));
        return out;
    }

    @Test
    void proposesCheaperNonInferiorModelWithHandComputedZ() {
        ProposalEngine engine = new ProposalEngine(config);
        List<Proposal> out = feedQa(engine, 0, 1500, 1210);

        assertThat(out).hasSize(1);
        Proposal p = out.get(0);
        assertThat(p.kind()).isEqualTo(ProposalKind.REROUTE);
        assertThat(p.target()).isEqualTo(Target.requestType("qa"));
        assertThat(p.status()).isEqualTo(ProposalStatus.OPEN);
        assertThat(p.parameters()).containsEntry("fromModel", "gpt-4").containsEntry("toModel", "mixtral");
        // pA = 0.8 (n 3000), pB = 1210/1500; se = sqrt(.8*.2/3000 + pB(1-pB)/1500) = 0.0125421;
        // z = (pB - pA + 0.02) / se = 2.12618, one-sided p = 0.016744.
        assertThat(p.confidence().test()).isEqualTo("two-proportion-z (non-inferiority)");
        assertThat(p.confidence().statistic()).isCloseTo(2.12618, within(1e-4));
        assertThat(p.confidence().pValue()).isCloseTo(0.016744, within(1e-5));
        assertThat(p.confidence().confidenceLevel()).isEqualTo(0.95);
        // 0.006 vs 0.03 per request: -80%; quality 0.806667 - 0.8.
        assertThat(p.expectedImpact().costDeltaPct()).isCloseTo(-80.0, within(1e-9));
        assertThat(p.expectedImpact().qualityDelta()).isCloseTo(1210.0 / 1500 - 0.8, within(1e-12));
        assertThat(p.createdAt()).isEqualTo(Snap.end(0));
        assertThat(p.expiresAt()).isEqualTo(Snap.end(0) + config.reroute().ttlMs());
        assertThat(p.rollout()).isEqualTo(config.reroute().rollout());
        assertThat(p.evidence()).extracting(Evidence::metric).contains("selection.quality", "cost.perRequestUsd");
    }

    @Test
    void doesNotProposeWhenCandidateIsWorseBeyondTolerance() {
        // pB = 0.75: five points below A, z = -2.246 for the shifted difference.
        assertThat(feedQa(new ProposalEngine(config), 0, 1500, 1125)).isEmpty();
    }

    @Test
    void doesNotProposeOnTooFewSamplesEvenIfPerfect() {
        assertThat(feedQa(new ProposalEngine(config), 0, 60, 60)).isEmpty();
    }

    @Test
    void doesNotProposeWhenSavingIsTooSmall() {
        ProposalEngine engine = new ProposalEngine(config);
        engine.onWindow(Dimension.REQUEST_TYPE_MODEL, "qa|gpt-4", Snap.window(0).cost(3000, 90.0).build());
        // 5% cheaper only: below the 10% minimum.
        engine.onWindow(Dimension.REQUEST_TYPE_MODEL, "qa|mixtral", Snap.window(0).cost(1500, 1500 * 0.0285).build());
        assertThat(engine.onWindow(Dimension.REQUEST_TYPE, "qa", Snap.window(0)
                .selection(Map.of("gpt-4", 3000L, "mixtral", 1500L),
                        Map.of("gpt-4", new long[]{3000, 2400}, "mixtral", new long[]{1500, 1300})).build()))
                .isEmpty();
    }

    @Test
    void noDominantModelMeansNoReroute() {
        ProposalEngine engine = new ProposalEngine(config.withReroute(new ProposalConfig.Reroute(0.02, 100, 0.7, 10,
                ProposalConfig.HOUR, RolloutPlan.immediate())));
        // gpt-4 serves 2/3 < 0.7.
        assertThat(feedQa(engine, 0, 1500, 1210)).isEmpty();
    }

    @Test
    void usesModelCostWhenTypeCostIsMissingAndWelchForGradedQuality() {
        ProposalEngine engine = new ProposalEngine(config);
        engine.onWindow(Dimension.MODEL, "big", Snap.window(0).cost(100, 5.0).build());
        engine.onWindow(Dimension.MODEL, "small", Snap.window(0).cost(100, 1.0).build());
        // Graded qualities (MT-Bench style, scaled to [0,1]): mean 0.90 vs 0.905, sd about 0.1.
        long n = 400;
        QualityStat big = new QualityStat(n, 0.90, n * (0.90 * 0.90 + 0.01));
        QualityStat small = new QualityStat(n, 0.905, n * (0.905 * 0.905 + 0.01));
        List<Proposal> out = engine.onWindow(Dimension.REQUEST_TYPE, "chat", Snap.window(0)
                .quality(Map.of("big", big, "small", small), Map.of("big", 800L, "small", 400L)).build());
        assertThat(out).singleElement().satisfies(p -> {
            assertThat(p.parameters()).containsEntry("fromModel", "big").containsEntry("toModel", "small");
            assertThat(p.confidence().test()).isEqualTo("welch-t (non-inferiority)");
            // var = n/(n-1) * 0.01 each; se = sqrt(2 * 0.01 * 400/399 / 400); t = 0.025 / se.
            double se = Math.sqrt(2 * 0.01 * 400.0 / 399 / 400);
            assertThat(p.confidence().statistic()).isCloseTo(0.025 / se, within(1e-6));
            assertThat(p.expectedImpact().costDeltaPct()).isCloseTo(-80.0, within(1e-9));
        });
    }
}
