package io.beastmode.proposals;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class BudgetRuleTest {

    private final ProposalConfig config = ProposalConfig.defaults();

    /** Tenant t1 spends $0.10 a minute over 10 requests, against $100 a day: $6/h, so $144 a day. */
    private static List<Proposal> spend(ProposalEngine engine, int from, int to, double perMinute) {
        List<Proposal> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.addAll(engine.onWindow(Dimension.TENANT, "t1",
                    Snap.window(i).budgetCost(10, perMinute, 100.0).build()));
        }
        return out;
    }

    private static void modelCost(ProposalEngine engine, String model, double perRequest) {
        engine.onWindow(Dimension.MODEL, model, Snap.window(0).cost(100, 100 * perRequest).build());
    }

    @Test
    void projectsExhaustionOfALinearSpendAndProposesADowngrade() {
        ProposalEngine engine = new ProposalEngine(config);
        modelCost(engine, "cheap", 0.005);
        modelCost(engine, "mid", 0.008);
        assertThat(spend(engine, 0, 4, 0.1)).isEmpty(); // fewer than 5 windows: no regression yet
        List<Proposal> out = spend(engine, 4, 5, 0.1);
        assertThat(out).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(ProposalKind.BUDGET);
            assertThat(p.target()).isEqualTo(Target.tenant("t1"));
            // Cumulative spend 0.1 * k at k minutes: slope $6/h, intercept 0; $100 reached at 100/6 h = 60,000 s.
            assertThat(p.parameters()).containsEntry("projectedExhaustionMs", Long.toString(Snap.T0 + 60_000_000L))
                    .containsEntry("periodEndMs", Long.toString(Snap.T0 + 86_400_000L))
                    .containsEntry("burnRateUsdPerHour", "6");
            // At 00:05, $0.5 spent: $99.5 left for 23.91667 h that would burn $143.5, a 30.662% cut; the tenant
            // pays $0.01 a request, so a model at or below $0.0069338 fits: 'cheap', not 'mid'.
            assertThat(p.action()).isEqualTo("downgrade");
            assertThat(p.parameters()).containsEntry("toModel", "cheap").containsEntry("requiredReductionPct",
                    "30.662");
            assertThat(p.expectedImpact().costDeltaPct()).isCloseTo(-(1 - 99.5 / 143.5) * 100, within(1e-9));
            assertThat(p.confidence().test()).isEqualTo("ols-slope");
            assertThat(p.confidence().pValue()).isLessThan(0.05);
            assertThat(p.expiresAt()).isEqualTo(Snap.T0 + 86_400_000L);
        });
        // The same burn keeps projecting the same exhaustion: nothing new.
        assertThat(spend(engine, 5, 30, 0.1)).isEmpty();
    }

    @Test
    void throttlesWhenNoCheaperModelFits() {
        ProposalEngine engine = new ProposalEngine(config);
        modelCost(engine, "mid", 0.008);
        List<Proposal> out = spend(engine, 0, 5, 0.1);
        assertThat(out).singleElement().satisfies(p -> {
            assertThat(p.action()).isEqualTo("throttle");
            // $99.5 over 23.91667 h; 10 requests a minute cut by 30.662%.
            assertThat(Double.parseDouble(p.parameter("maxSpendUsdPerHour"))).isCloseTo(99.5 / (23 + 11.0 / 12),
                    within(1e-4));
            assertThat(p.parameters()).containsEntry("maxRequestsPerMinute", "6");
        });
    }

    @Test
    void noProposalWhenTheBudgetLastsThePeriod() {
        ProposalEngine engine = new ProposalEngine(config);
        // $3/h is $72 a day, under the $100 limit.
        assertThat(spend(engine, 0, 30, 0.05)).isEmpty();
    }

    @Test
    void usesTheDeclaredPeriodAndANoisyButSignificantSlope() {
        ProposalEngine engine = new ProposalEngine(config);
        engine.onBudget(new TenantBudget("t1", 10.0, TenantBudget.Period.HOUR, Snap.T0));
        double[] perMinute = {0.18, 0.22, 0.19, 0.21, 0.20, 0.20};
        List<Proposal> out = new ArrayList<>();
        for (int i = 0; i < perMinute.length; i++) {
            out.addAll(engine.onWindow(Dimension.TENANT, "t1", Snap.window(i).cost(10, perMinute[i]).build()));
        }
        // About $12/h against $10 an hour: runs out around minute 50, before the hour ends.
        assertThat(out).singleElement().satisfies(p -> {
            long exhaustion = Long.parseLong(p.parameter("projectedExhaustionMs"));
            assertThat(exhaustion).isBetween(Snap.T0 + 45 * Snap.MIN, Snap.T0 + 55 * Snap.MIN);
            assertThat(p.parameter("periodEndMs")).isEqualTo(Long.toString(Snap.T0 + 3_600_000L));
            assertThat(p.confidence().pValue()).isLessThan(0.05).isGreaterThan(0.0);
        });
    }
}
