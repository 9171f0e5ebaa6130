package io.beastmode.proposals;

import io.beastmode.processors.metrics.MetricsSnapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * REROUTE: request type T is served mostly by model A, and a model B is at least {@code minCostSavingPct} cheaper per
 * request while its observed quality on T is not worse than A's by more than the tolerance, at the configured
 * confidence (one-sided non-inferiority test: two-proportion z for 0/1 qualities, Welch's t otherwise).
 *
 * <p>Quality and traffic come from the REQUEST_TYPE series of T (every model's judged answers), or, when that series
 * has no selection stats, from the REQUEST_TYPE_MODEL series 'T|model'. Cost per request comes from 'T|model' when it
 * has cost stats (the price of T's prompts on that model), else from the model's MODEL series. B's quality is what B
 * scored on the share of T it already serves, so the test assumes that share is representative of T.
 */
public final class RerouteRule implements ProposalRule {

    static final String SLOT = "reroute";

    @Override
    public String name() {
        return "reroute";
    }

    @Override
    public boolean triggeredBy(Dimension dimension) {
        return dimension == Dimension.REQUEST_TYPE || dimension == Dimension.REQUEST_TYPE_MODEL;
    }

    @Override
    public List<Draft> evaluate(RuleContext ctx, Dimension dimension, String key) {
        String type = dimension == Dimension.REQUEST_TYPE ? key : SeriesKey.head(key);
        ProposalConfig.Reroute cfg = ctx.config().reroute();
        List<MetricsSnapshot> typeWindows = ctx.windows(Dimension.REQUEST_TYPE, type);
        TreeMap<String, Double> selections = Windows.selectionsByModel(typeWindows);
        TreeMap<String, Stats.Summary> quality = Windows.qualityByModel(typeWindows);
        List<MetricsSnapshot> all = new ArrayList<>(typeWindows);
        if (selections.isEmpty()) {
            for (String model : modelsOf(ctx, type)) {
                List<MetricsSnapshot> w = ctx.windows(Dimension.REQUEST_TYPE_MODEL, type + "|" + model);
                all.addAll(w);
                for (MetricsSnapshot s : w) {
                    if (s.selection() != null) {
                        selections.merge(model, (double) s.selection().selections(), Double::sum);
                    }
                }
                Stats.Summary q = Windows.qualityByModel(w).get(model);
                if (q != null) {
                    quality.put(model, q);
                }
            }
        }
        double total = selections.values().stream().mapToDouble(Double::doubleValue).sum();
        if (total <= 0) {
            return List.of();
        }
        String from = null;
        for (Map.Entry<String, Double> e : selections.entrySet()) { // sorted: ties go to the first name
            if (from == null || e.getValue() > selections.get(from)) {
                from = e.getKey();
            }
        }
        double fromShare = selections.get(from) / total;
        Stats.Summary fromQuality = quality.get(from);
        Double fromCost = costPerRequest(ctx, type, from);
        if (fromShare < cfg.dominantShare() || fromQuality == null || fromQuality.n() < cfg.minSamples()
                || fromCost == null || fromCost <= 0) {
            return List.of();
        }
        Candidate best = null;
        for (Map.Entry<String, Stats.Summary> e : quality.entrySet()) {
            String to = e.getKey();
            Stats.Summary toQuality = e.getValue();
            Double toCost = costPerRequest(ctx, type, to);
            if (to.equals(from) || toQuality.n() < cfg.minSamples() || toCost == null) {
                continue;
            }
            double savingPct = (fromCost - toCost) / fromCost * 100.0;
            if (savingPct < cfg.minCostSavingPct()) {
                continue;
            }
            Stats.Result test = Stats.nonInferiority(fromQuality, toQuality, cfg.qualityTolerance());
            if (test.pValue() >= ctx.config().alpha()) {
                continue;
            }
            Candidate c = new Candidate(to, toQuality, toCost, savingPct, test);
            if (best == null || c.betterThan(best)) {
                best = c;
            }
        }
        if (best == null) {
            return List.of();
        }
        long start = Windows.start(all);
        long end = ctx.now();
        TreeMap<String, String> params = new TreeMap<>();
        params.put("requestType", type);
        params.put("fromModel", from);
        params.put("toModel", best.model);
        params.put("qualityTolerance", Fmt.num(cfg.qualityTolerance()));
        params.put("costPerRequestFromUsd", Fmt.num(fromCost));
        params.put("costPerRequestToUsd", Fmt.num(best.cost));
        List<Evidence> evidence = List.of(
                new Evidence("selection.quality", best.model, best.quality.mean(), fromQuality.mean(),
                        best.quality.n(), start, end),
                new Evidence("selection.quality", from, fromQuality.mean(), null, fromQuality.n(), start, end),
                new Evidence("cost.perRequestUsd", best.model, best.cost, fromCost, best.quality.n(), start, end),
                new Evidence("selection.share", from, fromShare, null, Math.round(total), start, end));
        ExpectedImpact impact = new ExpectedImpact(latencyDelta(ctx, type, from, best.model), -best.savingPct,
                best.quality.mean() - fromQuality.mean(), null);
        Confidence confidence = new Confidence(best.test.test(), best.test.statistic(), best.test.pValue(),
                ctx.config().confidenceLevel());
        return List.of(new Draft(ProposalKind.REROUTE, Target.requestType(type), SLOT, "reroute", params,
                List.of("fromModel", "toModel"), evidence, impact, confidence, cfg.rollout(), ctx.now(), cfg.ttlMs(),
                false));
    }

    private record Candidate(String model, Stats.Summary quality, double cost, double savingPct, Stats.Result test) {
        /** The biggest saving wins; then the better quality; names keep it deterministic. */
        boolean betterThan(Candidate o) {
            if (savingPct != o.savingPct) {
                return savingPct > o.savingPct;
            }
            if (quality.mean() != o.quality.mean()) {
                return quality.mean() > o.quality.mean();
            }
            return model.compareTo(o.model) < 0;
        }
    }

    static List<String> modelsOf(RuleContext ctx, String type) {
        List<String> models = new ArrayList<>();
        for (String k : ctx.keys(Dimension.REQUEST_TYPE_MODEL)) {
            if (SeriesKey.head(k).equals(type)) {
                models.add(SeriesKey.tail(k));
            }
        }
        return models;
    }

    /** Cost per request of a model on a request type, falling back to the model's overall cost. */
    static Double costPerRequest(RuleContext ctx, String type, String model) {
        Double perType = Windows.costPerRequest(ctx.windows(Dimension.REQUEST_TYPE_MODEL, type + "|" + model));
        return perType != null ? perType : Windows.costPerRequest(ctx.windows(Dimension.MODEL, model));
    }

    private static Double latencyDelta(RuleContext ctx, String type, String from, String to) {
        double a = Windows.mean(ctx.windows(Dimension.REQUEST_TYPE_MODEL, type + "|" + from), Windows::p95);
        double b = Windows.mean(ctx.windows(Dimension.REQUEST_TYPE_MODEL, type + "|" + to), Windows::p95);
        return Double.isNaN(a) || Double.isNaN(b) ? null : b - a;
    }
}
