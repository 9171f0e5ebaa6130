package io.beastmode.proposals;

import io.beastmode.processors.metrics.MetricsSnapshot;

import org.apache.commons.math3.stat.regression.SimpleRegression;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * BUDGET: a tenant whose spend, projected by an OLS line through its cumulative spend in the current budget period
 * (Commons Math {@link SimpleRegression}, hours since period start against USD), reaches the limit before the period
 * ends, with a slope significantly above zero. It proposes the smallest intervention that lands spend on the limit:
 * a downgrade to a model cheap enough for the required cut when the cut is at most {@code maxDowngradeReduction},
 * otherwise a throttle to the spend rate that exactly exhausts the budget at period end.
 *
 * <p>Cumulative spend is the running sum of the tenant's window spend in the period; when the topology reports a
 * period-wide utilization (utilization times limit above the running sum, e.g. after a restart mid-period) that
 * level is used instead. The period comes from {@link TenantBudget} when given, else the configured default period,
 * UTC-calendar aligned.
 */
public final class BudgetRule implements ProposalRule {

    static final String SLOT = "budget";
    private static final double MS_PER_HOUR = 3_600_000.0;
    /** A projected exhaustion that moved by less than this share of the time left to it is the same proposal. */
    static final double MATERIAL_SHIFT = 0.25;

    @Override
    public String name() {
        return "budget";
    }

    @Override
    public boolean triggeredBy(Dimension dimension) {
        return dimension == Dimension.TENANT;
    }

    /** The regression of one tenant's cumulative spend, and what it projects. */
    record Projection(double limitUsd, long periodStartMs, long periodEndMs, double spentUsd, double slopeUsdPerHour,
                      double interceptUsd, double slopePValue, double slopeT, long exhaustionMs, int windows,
                      long requests, double spendInWindows) {
    }

    /** Projects the tenant's spend; null without a budget or enough windows in the period. */
    static Projection project(RuleContext ctx, String tenant) {
        List<MetricsSnapshot> windows = ctx.windows(Dimension.TENANT, tenant).stream()
                .filter(w -> w.cost() != null).toList();
        if (windows.isEmpty()) {
            return null;
        }
        MetricsSnapshot latest = windows.get(windows.size() - 1);
        TenantBudget budget = ctx.budget(tenant);
        double limit;
        long periodStart;
        long periodEnd;
        if (budget != null) {
            limit = budget.limitUsd();
            periodStart = budget.periodStartMs();
            periodEnd = budget.periodEndMs();
        } else {
            if (latest.cost().budgetLimitUsd() == null) {
                return null;
            }
            limit = latest.cost().budgetLimitUsd();
            TenantBudget.Period period = ctx.config().budget().defaultPeriod();
            periodStart = period.startOf(latest.windowStartMs());
            periodEnd = period.endOf(periodStart);
        }
        List<MetricsSnapshot> inPeriod = windows.stream()
                .filter(w -> w.windowStartMs() >= periodStart && w.windowEndMs() <= periodEnd).toList();
        if (limit <= 0 || inPeriod.size() < ctx.config().budget().minWindows()) {
            return null;
        }
        SimpleRegression ols = new SimpleRegression(true);
        double running = 0;
        double level = 0;
        long requests = 0;
        for (MetricsSnapshot w : inPeriod) {
            running += w.cost().spendUsd();
            requests += w.cost().requests();
            Double utilization = w.cost().budgetUtilization();
            level = Math.max(running, utilization == null ? 0 : utilization * limit);
            ols.addData((w.windowEndMs() - periodStart) / MS_PER_HOUR, level);
        }
        double slope = ols.getSlope();
        double intercept = ols.getIntercept();
        double p = ols.getSignificance();
        double se = ols.getSlopeStdErr();
        double t = se == 0 ? (slope > 0 ? Double.POSITIVE_INFINITY : 0) : slope / se;
        long exhaustion = slope > 0
                ? periodStart + Math.round((limit - intercept) / slope * MS_PER_HOUR) : Long.MAX_VALUE;
        return new Projection(limit, periodStart, periodEnd, level, slope, intercept, Double.isNaN(p) ? 1.0 : p, t,
                exhaustion, inPeriod.size(), requests, running);
    }

    @Override
    public List<Draft> evaluate(RuleContext ctx, Dimension dimension, String tenant) {
        ProposalConfig.Budget cfg = ctx.config().budget();
        Projection pr = project(ctx, tenant);
        if (pr == null || pr.slopeUsdPerHour() <= 0 || pr.slopePValue() >= ctx.config().alpha()
                || pr.exhaustionMs() >= pr.periodEndMs()) {
            return List.of();
        }
        long now = ctx.now();
        double hoursLeft = Math.max(0, (pr.periodEndMs() - now) / MS_PER_HOUR);
        double budgetLeft = pr.limitUsd() - pr.spentUsd();
        double projectedRest = pr.slopeUsdPerHour() * hoursLeft;
        // The cut of the burn rate that makes the remaining spend fit the remaining budget.
        double reduction = budgetLeft <= 0 || projectedRest <= 0 ? 1.0
                : Math.max(0.0, Math.min(1.0, 1.0 - budgetLeft / projectedRest));
        double tenantCostPerRequest = pr.requests() == 0 ? 0 : pr.spendInWindows() / pr.requests();
        String cheaper = reduction <= cfg.maxDowngradeReduction()
                ? cheapestModelBelow(ctx, tenantCostPerRequest * (1 - reduction)) : null;
        TreeMap<String, String> params = new TreeMap<>();
        params.put("tenant", tenant);
        params.put("projectedExhaustionMs", Long.toString(pr.exhaustionMs()));
        params.put("periodStartMs", Long.toString(pr.periodStartMs()));
        params.put("periodEndMs", Long.toString(pr.periodEndMs()));
        params.put("budgetLimitUsd", Fmt.num(pr.limitUsd()));
        params.put("spentUsd", Fmt.num(pr.spentUsd()));
        params.put("burnRateUsdPerHour", Fmt.num(pr.slopeUsdPerHour()));
        params.put("requiredReductionPct", Fmt.num(reduction * 100));
        String action;
        List<String> identity;
        if (cheaper != null) {
            action = "downgrade";
            params.put("toModel", cheaper);
            identity = List.of("toModel");
        } else {
            action = "throttle";
            params.put("maxSpendUsdPerHour", Fmt.num(hoursLeft == 0 ? 0 : Math.max(0, budgetLeft) / hoursLeft));
            long minutes = Math.max(1, pr.windows() * Math.max(1, ctx.config().windowSizeMs()) / 60_000);
            params.put("maxRequestsPerMinute", Long.toString((long) Math.floor(pr.requests() / (double) minutes
                    * (1 - reduction))));
            identity = List.of();
        }
        List<Evidence> evidence = new ArrayList<>(List.of(
                new Evidence("cost.burnRateUsdPerHour", tenant, pr.slopeUsdPerHour(), null, pr.windows(),
                        pr.periodStartMs(), now),
                new Evidence("cost.spendInPeriodUsd", tenant, pr.spentUsd(), pr.limitUsd(), pr.requests(),
                        pr.periodStartMs(), now)));
        long ttl = Math.max(cfg.minTtlMs(), pr.periodEndMs() - now);
        return List.of(new Draft(ProposalKind.BUDGET, Target.tenant(tenant), SLOT, action, params, identity, evidence,
                new ExpectedImpact(null, -reduction * 100, null, null),
                new Confidence("ols-slope", pr.slopeT(), pr.slopePValue(), ctx.config().confidenceLevel()),
                cfg.rollout(), now, ttl, false));
    }

    /** The cheapest model (MODEL cost per request) at or below a cost, null when none. */
    private static String cheapestModelBelow(RuleContext ctx, double maxCostPerRequest) {
        String best = null;
        double bestCost = Double.POSITIVE_INFINITY;
        for (String model : ctx.keys(Dimension.MODEL)) {
            Double c = Windows.costPerRequest(ctx.windows(Dimension.MODEL, model));
            if (c != null && c <= maxCostPerRequest && c < bestCost) {
                best = model;
                bestCost = c;
            }
        }
        return best;
    }

    @Override
    public boolean materiallyDifferent(Proposal open, Draft draft) {
        if (ProposalRule.super.materiallyDifferent(open, draft)) {
            return true;
        }
        long before = Long.parseLong(open.parameter("projectedExhaustionMs"));
        long after = Long.parseLong(draft.parameters().get("projectedExhaustionMs"));
        long timeLeft = Math.max(ProposalConfig.MINUTE, before - open.createdAt());
        return Math.abs(after - before) > MATERIAL_SHIFT * timeLeft;
    }
}
