package io.beastmode.proposals;

import io.beastmode.processors.metrics.MetricsSnapshot;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * FALLBACK: a model whose latency (p95/p99) or error rate is flagged anomalous (an anomaly signal on its MODEL series,
 * or on one of its REQUEST_TYPE_MODEL series) loses its traffic to the next best model until it recovers.
 *
 * <p>The signal is confirmed against the model's own windows before the anomaly began when there are enough of them
 * (Welch's t of the anomalous windows against the baseline windows, or the prediction-interval t when only one
 * anomalous value exists; a one-sided two-proportion z for the error rate); with too short a history the signal's
 * score alone decides. The next best model is the one with the best quality per dollar among the others seen on the
 * same request types and not anomalous themselves. Once no metric of the model is flagged and
 * {@code healthyWindowsToLift} of its windows have closed after its last anomalous window, the rule asks to lift.
 */
public final class FallbackRule implements ProposalRule {

    static final String SLOT = "fallback";

    @Override
    public String name() {
        return "fallback";
    }

    @Override
    public boolean triggeredBy(Dimension dimension) {
        return dimension == Dimension.MODEL || dimension == Dimension.REQUEST_TYPE_MODEL;
    }

    static boolean watched(String metric) {
        return metric.equals("latency.p95") || metric.equals("latency.p99") || metric.equals("requests.errorRate");
    }

    /** The model an anomaly state or series is about, null for other dimensions. */
    static String modelOf(Dimension dimension, String key) {
        return switch (dimension) {
            case MODEL -> key;
            case REQUEST_TYPE_MODEL -> SeriesKey.tail(key);
            default -> null;
        };
    }

    @Override
    public List<Draft> evaluate(RuleContext ctx, Dimension dimension, String key) {
        String model = modelOf(dimension, key);
        ProposalConfig.Fallback cfg = ctx.config().fallback();
        long staleMs = cfg.staleAnomalyWindows() * windowMs(ctx);
        List<AnomalyState> active = new ArrayList<>();
        long lastAnomalyStart = Long.MIN_VALUE;
        for (AnomalyState a : ctx.anomalies()) {
            if (!model.equals(modelOf(a.dimension(), a.key())) || !watched(a.metric())) {
                continue;
            }
            lastAnomalyStart = Math.max(lastAnomalyStart, a.lastAnomalyStartMs());
            if (a.activeAt(ctx.now(), staleMs) && a.score() >= cfg.minScore()) {
                active.add(a);
            }
        }
        Target target = Target.model(model);
        if (active.isEmpty()) {
            return liftIfHealthy(ctx, model, target, lastAnomalyStart);
        }
        // The strongest signal speaks for the model; ties by metric name keep it deterministic.
        active.sort(Comparator.comparingDouble(AnomalyState::score).reversed().thenComparing(AnomalyState::metric));
        AnomalyState worst = active.get(0);
        List<MetricsSnapshot> windows = ctx.windows(Dimension.MODEL, model);
        Stats.Result test = confirm(ctx, windows, worst);
        if (test == null) {
            return List.of();
        }
        Alternative alt = nextBest(ctx, model);
        if (alt == null) {
            return List.of(); // nowhere to send the traffic
        }
        TreeMap<String, String> params = new TreeMap<>();
        params.put("fromModel", model);
        params.put("toModel", alt.model);
        params.put("metric", String.join(",", new TreeSet<>(active.stream().map(AnomalyState::metric).toList())));
        params.put("requestTypes", String.join(",", alt.requestTypes));
        params.put("primaryRequestType", alt.primaryRequestType);
        params.put("anomalyScore", Fmt.num(worst.score()));
        List<Evidence> evidence = new ArrayList<>();
        for (AnomalyState a : active) {
            evidence.add(new Evidence(a.metric(), a.dimension() + ":" + a.key(), a.observed(), a.expected(), 1,
                    a.episodeStartMs(), a.lastAnomalyEndMs()));
        }
        if (alt.quality != null) {
            evidence.add(new Evidence("selection.quality", alt.model, alt.quality.mean(), null, alt.quality.n(),
                    Windows.start(windows), ctx.now()));
        }
        double fromP95 = windows.isEmpty() ? Double.NaN : Windows.p95(windows.get(windows.size() - 1));
        double toP95 = Windows.mean(ctx.windows(Dimension.MODEL, alt.model), Windows::p95);
        Double fromCost = Windows.costPerRequest(ctx.windows(Dimension.MODEL, model));
        Stats.Summary fromQuality = pooledQuality(ctx, model, alt.requestTypes);
        ExpectedImpact impact = new ExpectedImpact(
                Double.isNaN(fromP95) || Double.isNaN(toP95) ? null : toP95 - fromP95,
                fromCost == null || alt.cost == null || fromCost == 0 ? null : (alt.cost - fromCost) / fromCost * 100,
                fromQuality == null || alt.quality == null ? null : alt.quality.mean() - fromQuality.mean(), null);
        Confidence confidence = new Confidence(test.test(), test.statistic(), test.pValue(),
                ctx.config().confidenceLevel());
        return List.of(new Draft(ProposalKind.FALLBACK, target, SLOT, "fallback", params, List.of("toModel"),
                evidence, impact, confidence, cfg.rollout(), ctx.now(), cfg.ttlMs(), false));
    }

    private static long windowMs(RuleContext ctx) {
        return ctx.config().windowSizeMs() > 0 ? ctx.config().windowSizeMs() : ProposalConfig.MINUTE;
    }

    /**
     * The confirmation test of an anomaly against the model's windows before its episode, or the anomaly score when
     * the history is too short; null when the windows contradict the signal.
     */
    static Stats.Result confirm(RuleContext ctx, List<MetricsSnapshot> windows, AnomalyState a) {
        ProposalConfig.Fallback cfg = ctx.config().fallback();
        List<MetricsSnapshot> baseline = new ArrayList<>();
        List<MetricsSnapshot> recent = new ArrayList<>();
        for (MetricsSnapshot w : windows) {
            (w.windowStartMs() < a.episodeStartMs() ? baseline : recent).add(w);
        }
        baseline = baseline.subList(Math.max(0, baseline.size() - cfg.baselineWindows()), baseline.size());
        recent = recent.subList(Math.max(0, recent.size() - cfg.recentWindows()), recent.size());
        Stats.Result result;
        if (a.metric().equals("requests.errorRate")) {
            long baseErrors = 0, baseCount = 0, recentErrors = 0, recentCount = 0;
            for (MetricsSnapshot w : baseline) {
                baseErrors += w.requests().errorCount();
                baseCount += w.requests().count();
            }
            for (MetricsSnapshot w : recent) {
                recentErrors += w.requests().errorCount();
                recentCount += w.requests().count();
            }
            if (baseline.size() < cfg.minBaselineWindows() || baseCount == 0 || recentCount == 0) {
                return scoreOnly(a);
            }
            result = Stats.twoProportionGreater(baseErrors, baseCount, recentErrors, recentCount);
        } else {
            java.util.function.ToDoubleFunction<MetricsSnapshot> value =
                    a.metric().equals("latency.p99") ? Windows::p99 : Windows::p95;
            double[] base = Windows.values(baseline, value);
            double[] now = Windows.values(recent, value);
            if (base.length < cfg.minBaselineWindows()) {
                return scoreOnly(a);
            }
            // The signal's own value stands in when its window has not reached the engine yet.
            result = now.length >= 2 ? Stats.welchGreater(base, now)
                    : Stats.predictionGreater(base, now.length == 1 ? now[0] : a.observed());
        }
        return result.pValue() < ctx.config().alpha() ? result : null;
    }

    private static Stats.Result scoreOnly(AnomalyState a) {
        return new Stats.Result("anomaly-score", a.score(), 1.0 - a.score());
    }

    /**
     * Healthy evidence is the model's windows closed after its last anomalous window. A model that lost all its
     * traffic sends no windows; once its anomaly has gone stale without any, the lift is a probe (a canary that
     * the outcome loop watches), like a circuit breaker going half-open.
     */
    private List<Draft> liftIfHealthy(RuleContext ctx, String model, Target target, long lastAnomalyStart) {
        Proposal open = ctx.openProposal(target, SLOT);
        if (open == null) {
            return List.of();
        }
        ProposalConfig.Fallback cfg = ctx.config().fallback();
        List<MetricsSnapshot> healthy = ctx.windows(Dimension.MODEL, model).stream()
                .filter(w -> w.windowStartMs() > lastAnomalyStart).toList();
        boolean probe = healthy.isEmpty()
                && ctx.now() - Math.max(lastAnomalyStart, open.createdAt()) >= cfg.staleAnomalyWindows() * windowMs(ctx);
        if (healthy.size() < cfg.healthyWindowsToLift() && !probe) {
            return List.of();
        }
        TreeMap<String, String> params = new TreeMap<>(open.parameters());
        params.put("liftOf", open.proposalId());
        params.put("probe", Boolean.toString(probe));
        double p95 = Windows.mean(healthy, Windows::p95);
        List<Evidence> evidence = Double.isNaN(p95) ? List.of() : List.of(new Evidence("latency.p95", model, p95,
                null, healthy.size(), Windows.start(healthy), Windows.end(healthy)));
        return List.of(new Draft(ProposalKind.FALLBACK, target, SLOT, "lift_fallback", params, List.of("liftOf"),
                evidence, ExpectedImpact.NONE, new Confidence("healthy-windows", healthy.size(), 1.0,
                ctx.config().confidenceLevel()), LIFT_ROLLOUT, ctx.now(), cfg.ttlMs(), true));
    }

    /** Traffic goes back gradually: a quarter for ten minutes, so a relapse hurts few requests. */
    static final RolloutPlan LIFT_ROLLOUT = new RolloutPlan(0.25, 10 * ProposalConfig.MINUTE, 1.0);

    /** Open fallbacks are reviewed on every tick, because a model that lost its traffic sends no windows. */
    @Override
    public List<Draft> review(RuleContext ctx, Proposal open) {
        if (open.kind() != ProposalKind.FALLBACK || open.target().type() != Target.Type.MODEL) {
            return List.of();
        }
        return evaluate(ctx, Dimension.MODEL, open.target().key());
    }

    private record Alternative(String model, Stats.Summary quality, Double cost, List<String> requestTypes,
                               String primaryRequestType) {
    }

    /**
     * Windows of a series within the last {@code historyWindows} window lengths. A series keeps its last windows until
     * it has been idle for {@code seriesIdleMs}, so a request type the model stopped serving (rerouted away) would
     * otherwise still count with its old traffic.
     */
    private static List<MetricsSnapshot> recent(RuleContext ctx, Dimension dimension, String key) {
        long from = ctx.now() - ctx.config().historyWindows() * windowMs(ctx);
        return ctx.windows(dimension, key).stream().filter(w -> w.windowEndMs() > from).toList();
    }

    /**
     * Request types the model served recently (most traffic first) and the best other model on them by quality per
     * dollar.
     */
    private static Alternative nextBest(RuleContext ctx, String model) {
        TreeMap<String, Double> typesServed = new TreeMap<>();
        for (String type : ctx.keys(Dimension.REQUEST_TYPE)) {
            Double n = Windows.selectionsByModel(recent(ctx, Dimension.REQUEST_TYPE, type)).get(model);
            if (n != null && n > 0) {
                typesServed.merge(type, n, Double::sum);
            }
        }
        for (String k : ctx.keys(Dimension.REQUEST_TYPE_MODEL)) {
            if (SeriesKey.tail(k).equals(model)) {
                long n = recent(ctx, Dimension.REQUEST_TYPE_MODEL, k).stream()
                        .mapToLong(w -> w.requests() == null ? 0 : w.requests().count()).sum();
                typesServed.merge(SeriesKey.head(k), (double) n, Math::max);
            }
        }
        if (typesServed.isEmpty()) {
            return null;
        }
        List<String> types = typesServed.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey).toList();
        TreeSet<String> candidates = new TreeSet<>();
        for (String type : types) {
            candidates.addAll(Windows.selectionsByModel(ctx.windows(Dimension.REQUEST_TYPE, type)).keySet());
            candidates.addAll(Windows.qualityByModel(ctx.windows(Dimension.REQUEST_TYPE, type)).keySet());
            candidates.addAll(RerouteRule.modelsOf(ctx, type));
        }
        candidates.remove(model);
        long staleMs = ctx.config().fallback().staleAnomalyWindows() * windowMs(ctx);
        for (AnomalyState a : ctx.anomalies()) {
            String m = modelOf(a.dimension(), a.key());
            if (m != null && watched(a.metric()) && a.activeAt(ctx.now(), staleMs)) {
                candidates.remove(m); // never fall back onto another sick model
            }
        }
        Alternative best = null;
        double bestValue = Double.NEGATIVE_INFINITY;
        boolean bestHasQuality = false;
        for (String c : candidates) {
            Stats.Summary q = pooledQuality(ctx, c, types);
            Double cost = Windows.costPerRequest(ctx.windows(Dimension.MODEL, c));
            boolean hasQuality = q != null;
            // Quality per dollar when both are known; a model with judged quality beats one without.
            double value = !hasQuality ? (cost == null || cost <= 0 ? 0 : -cost)
                    : cost == null || cost <= 0 ? q.mean() : q.mean() / cost;
            if (best == null || hasQuality && !bestHasQuality || hasQuality == bestHasQuality && value > bestValue) {
                best = new Alternative(c, q, cost, types, types.get(0));
                bestValue = value;
                bestHasQuality = hasQuality;
            }
        }
        return best;
    }

    private static Stats.Summary pooledQuality(RuleContext ctx, String model, List<String> types) {
        Stats.Summary pooled = null;
        for (String type : types) {
            Stats.Summary q = Windows.qualityByModel(ctx.windows(Dimension.REQUEST_TYPE, type)).get(model);
            if (q == null) {
                q = Windows.qualityByModel(ctx.windows(Dimension.REQUEST_TYPE_MODEL, type + "|" + model)).get(model);
            }
            if (q != null) {
                pooled = pooled == null ? q : pooled.plus(q);
            }
        }
        return pooled;
    }
}
