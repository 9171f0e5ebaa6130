package io.beastmode.proposals;

import io.beastmode.processors.metrics.MetricsSnapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * Measures an applied proposal: the target's windows before it was applied against equal windows after its full
 * rollout, metric by metric with a significance test, and a verdict by kind.
 *
 * <p>Per-window values (p95 latency, cost per request, burn rate) are compared with Welch's t over the windows, each
 * window one observation; counted rates (error rate, hit rate, 0/1 quality) with the pooled two-proportion z test over
 * the events; non-binary quality with Welch's t on the pooled mean and variance. A change counts only when it is
 * significant at {@code alpha} and larger than the metric's minimum effect, so large traffic does not turn trivial
 * shifts into verdicts. Verdicts: INCONCLUSIVE when the kind's primary metric lacks {@code minWindows} windows on a
 * side; REGRESSED when any watched metric got worse (quality only when it fell by more than the reroute tolerance);
 * IMPROVED when the primary metric got better; NO_EFFECT otherwise. A REGRESSED verdict carries a ROLLBACK proposal,
 * except for a ROLLBACK itself, which is judged against the state it restores (see the second {@code evaluate}).
 */
public final class OutcomeEvaluator {

    static final String LATENCY = "latency.p95";
    static final String ERROR_RATE = "requests.errorRate";
    static final String HIT_RATE = "cache.hitRate";
    static final String QUALITY = "selection.quality";
    static final String COST = "cost.perRequestUsd";
    static final String BURN = "cost.burnRateUsdPerHour";

    private final ProposalConfig config;

    public OutcomeEvaluator(ProposalConfig config) {
        this.config = config;
    }

    /**
     * @param before              the target's windows ending at or before {@code appliedAt}
     * @param after               the target's windows starting at or after the full rollout, as many as before
     * @param modelCostPerRequest cost per request by model, used for windows without cost stats (cost = sum of
     *                            model share times model cost); may be empty
     * @param evaluatedAt         event time of the evaluation (the last after window's end)
     */
    public ProposalOutcome evaluate(Proposal applied, long appliedAt, List<MetricsSnapshot> before,
                                    List<MetricsSnapshot> after, Map<String, Double> modelCostPerRequest,
                                    long evaluatedAt) {
        return evaluate(applied, appliedAt, before, after, List.of(), modelCostPerRequest, evaluatedAt);
    }

    /**
     * As {@link #evaluate(Proposal, long, List, List, Map, long)}; {@code restored} matters for a ROLLBACK only: the
     * windows before the change it undoes, i.e. the state it restores. A rollback is expected to reverse every effect
     * of that change, the good ones too (a fallback that cut cost but raised errors costs more again once undone), so
     * a metric that got worse after the rollback counts as a regression only if it is also worse than in
     * {@code restored}; without those windows, only the metrics whose regression caused the rollback are judged.
     * The rollback's primary metrics are those regressed ones, and a rollback's outcome never carries a rollback of
     * its own: undoing it would re-apply the change that was measured to do harm.
     */
    public ProposalOutcome evaluate(Proposal applied, long appliedAt, List<MetricsSnapshot> before,
                                    List<MetricsSnapshot> after, List<MetricsSnapshot> restored,
                                    Map<String, Double> modelCostPerRequest, long evaluatedAt) {
        ProposalConfig.Outcome cfg = config.outcome();
        TreeMap<String, Double> statistics = new TreeMap<>(); // test statistic per metric, for the rollback
        TreeMap<String, Effect> effects = effects(before, after, modelCostPerRequest, statistics);

        List<String> primary = primaryMetrics(applied);
        List<Effect> regressions = effects.values().stream().filter(this::worse).toList();
        boolean isRollback = applied.kind() == ProposalKind.ROLLBACK;
        if (isRollback) {
            Map<String, Effect> againstRestored = restored.isEmpty() ? Map.of()
                    : effects(restored, after, modelCostPerRequest, new TreeMap<>());
            regressions = regressions.stream().filter(e -> restored.isEmpty() ? primary.contains(e.metric())
                    : againstRestored.containsKey(e.metric()) && worse(againstRestored.get(e.metric()))).toList();
        }
        boolean primaryMeasured = primary.isEmpty() || primary.stream().anyMatch(effects::containsKey);
        boolean guardMissing = applied.kind() == ProposalKind.REROUTE && !effects.containsKey(QUALITY);
        OutcomeVerdict verdict;
        if (!regressions.isEmpty()) {
            verdict = OutcomeVerdict.REGRESSED; // a measured harm outweighs a missing primary metric
        } else if (!primaryMeasured || guardMissing) {
            verdict = OutcomeVerdict.INCONCLUSIVE;
        } else if (primary.isEmpty() ? effects.values().stream().anyMatch(this::better)
                : primary.stream().map(effects::get).anyMatch(e -> e != null && better(e))) {
            verdict = OutcomeVerdict.IMPROVED;
        } else {
            verdict = OutcomeVerdict.NO_EFFECT;
        }
        long beforeStart = Windows.start(before);
        long beforeEnd = before.isEmpty() ? appliedAt : Windows.end(before);
        long afterStart = after.isEmpty() ? appliedAt : Windows.start(after);
        long afterEnd = after.isEmpty() ? evaluatedAt : Windows.end(after);
        Proposal rollback = verdict == OutcomeVerdict.REGRESSED && !isRollback
                ? rollback(applied, regressions, effects, statistics, afterStart, afterEnd, evaluatedAt, cfg) : null;
        return new ProposalOutcome(applied.proposalId(), applied.kind(), applied.target(), appliedAt, evaluatedAt,
                beforeStart, beforeEnd, afterStart, afterEnd, verdict, List.copyOf(effects.values()), rollback);
    }

    private TreeMap<String, Effect> effects(List<MetricsSnapshot> before, List<MetricsSnapshot> after,
                                            Map<String, Double> modelCostPerRequest, Map<String, Double> statistics) {
        TreeMap<String, Effect> effects = new TreeMap<>();
        perWindow(LATENCY, before, after, Windows::p95, statistics).ifPresent(e -> effects.put(LATENCY, e));
        ToDoubleFunction<MetricsSnapshot> cost = w -> costPerRequest(w, modelCostPerRequest);
        perWindow(COST, before, after, cost, statistics).ifPresent(e -> effects.put(COST, e));
        perWindow(BURN, before, after, w -> w.cost() == null ? Double.NaN : w.cost().burnRateUsdPerHour(), statistics)
                .ifPresent(e -> effects.put(BURN, e));
        errorRate(before, after, statistics).ifPresent(e -> effects.put(ERROR_RATE, e));
        hitRate(before, after, statistics).ifPresent(e -> effects.put(HIT_RATE, e));
        quality(before, after, statistics).ifPresent(e -> effects.put(QUALITY, e));
        return effects;
    }

    /**
     * The metrics whose improvement is the point of the proposal; empty: any improvement counts. For a ROLLBACK, the
     * metrics whose regression it answers (its evidence).
     */
    static List<String> primaryMetrics(Proposal p) {
        if (p.action().equals("lift_fallback")) {
            return List.of();
        }
        return switch (p.kind()) {
            case REROUTE -> List.of(COST);
            case FALLBACK -> {
                String metric = p.parameter("metric");
                yield metric != null && metric.contains("errorRate") && !metric.contains("latency")
                        ? List.of(ERROR_RATE) : metric != null && metric.contains("errorRate")
                        ? List.of(LATENCY, ERROR_RATE) : List.of(LATENCY);
            }
            case CACHE -> List.of(HIT_RATE);
            case BUDGET -> List.of(BURN, COST);
            case ROLLBACK -> p.evidence().stream().map(Evidence::metric).distinct().toList();
        };
    }

    private boolean significant(Effect e) {
        return e.pValue() < config.outcome().alpha();
    }

    /** Significantly worse by more than the metric's minimum effect. */
    boolean worse(Effect e) {
        ProposalConfig.Outcome cfg = config.outcome();
        if (!significant(e)) {
            return false;
        }
        return switch (e.metric()) {
            case LATENCY -> e.delta() > 0 && e.relativeDelta() >= cfg.latencyMinRelChange();
            case ERROR_RATE -> e.delta() >= cfg.errorRateMinAbsChange();
            case HIT_RATE -> -e.delta() >= cfg.hitRateMinAbsChange();
            case QUALITY -> -e.delta() > config.reroute().qualityTolerance();
            case COST, BURN -> e.delta() > 0 && e.relativeDelta() >= cfg.costMinRelChange();
            default -> false;
        };
    }

    /** Significantly better by more than the metric's minimum effect. */
    boolean better(Effect e) {
        ProposalConfig.Outcome cfg = config.outcome();
        if (!significant(e)) {
            return false;
        }
        return switch (e.metric()) {
            case LATENCY -> e.delta() < 0 && -e.relativeDelta() >= cfg.latencyMinRelChange();
            case ERROR_RATE -> -e.delta() >= cfg.errorRateMinAbsChange();
            case HIT_RATE -> e.delta() >= cfg.hitRateMinAbsChange();
            case QUALITY -> e.delta() > config.reroute().qualityTolerance();
            case COST, BURN -> e.delta() < 0 && -e.relativeDelta() >= cfg.costMinRelChange();
            default -> false;
        };
    }

    private Optional<Effect> perWindow(String metric, List<MetricsSnapshot> before, List<MetricsSnapshot> after,
                                       ToDoubleFunction<MetricsSnapshot> value, Map<String, Double> statistics) {
        double[] b = Windows.values(before, value);
        double[] a = Windows.values(after, value);
        if (b.length < config.outcome().minWindows() || a.length < config.outcome().minWindows()) {
            return Optional.empty();
        }
        Stats.Summary sb = Stats.Summary.of(b);
        Stats.Summary sa = Stats.Summary.of(a);
        Stats.Result t = Stats.welchTwoSided(sb, sa);
        statistics.put(metric, t.statistic());
        return Optional.of(Effect.of(metric, sb.mean(), sa.mean(), t.test(), t.pValue(), b.length, a.length));
    }

    private Optional<Effect> proportion(String metric, long xBefore, long nBefore, long xAfter, long nAfter,
                                        int windowsBefore, int windowsAfter, Map<String, Double> statistics) {
        if (nBefore == 0 || nAfter == 0 || windowsBefore < config.outcome().minWindows()
                || windowsAfter < config.outcome().minWindows()) {
            return Optional.empty();
        }
        Stats.Result z = Stats.twoProportion(xBefore, nBefore, xAfter, nAfter);
        statistics.put(metric, z.statistic());
        return Optional.of(Effect.of(metric, (double) xBefore / nBefore, (double) xAfter / nAfter, z.test(),
                z.pValue(), nBefore, nAfter));
    }

    private Optional<Effect> errorRate(List<MetricsSnapshot> before, List<MetricsSnapshot> after,
                                       Map<String, Double> statistics) {
        long[] b = errors(before);
        long[] a = errors(after);
        return proportion(ERROR_RATE, b[0], b[1], a[0], a[1], (int) b[2], (int) a[2], statistics);
    }

    private static long[] errors(List<MetricsSnapshot> windows) {
        long errors = 0, count = 0, withData = 0;
        for (MetricsSnapshot w : windows) {
            if (w.requests() != null && w.requests().count() > 0) {
                errors += w.requests().errorCount();
                count += w.requests().count();
                withData++;
            }
        }
        return new long[]{errors, count, withData};
    }

    private Optional<Effect> hitRate(List<MetricsSnapshot> before, List<MetricsSnapshot> after,
                                     Map<String, Double> statistics) {
        long[] b = hits(before);
        long[] a = hits(after);
        return proportion(HIT_RATE, b[0], b[1], a[0], a[1], (int) b[2], (int) a[2], statistics);
    }

    private static long[] hits(List<MetricsSnapshot> windows) {
        long hits = 0, considered = 0, withData = 0;
        for (MetricsSnapshot w : windows) {
            if (w.cache() != null && w.cache().lookups() > Windows.outcome(w, "BYPASS")) {
                hits += Windows.outcome(w, "HIT");
                considered += w.cache().lookups() - Windows.outcome(w, "BYPASS");
                withData++;
            }
        }
        return new long[]{hits, considered, withData};
    }

    private Optional<Effect> quality(List<MetricsSnapshot> before, List<MetricsSnapshot> after,
                                     Map<String, Double> statistics) {
        Stats.Summary b = pooledQuality(before);
        Stats.Summary a = pooledQuality(after);
        int wb = (int) before.stream().filter(w -> w.selection() != null).count();
        int wa = (int) after.stream().filter(w -> w.selection() != null).count();
        if (b == null || a == null) {
            return Optional.empty();
        }
        if (b.isBinary() && a.isBinary()) {
            return proportion(QUALITY, Math.round(b.mean() * b.n()), b.n(), Math.round(a.mean() * a.n()), a.n(),
                    wb, wa, statistics);
        }
        if (wb < config.outcome().minWindows() || wa < config.outcome().minWindows()) {
            return Optional.empty();
        }
        Stats.Result t = Stats.welchTwoSided(b, a);
        statistics.put(QUALITY, t.statistic());
        return Optional.of(Effect.of(QUALITY, b.mean(), a.mean(), t.test(), t.pValue(), b.n(), a.n()));
    }

    /** Quality over all models: what the traffic of the target received. */
    private static Stats.Summary pooledQuality(List<MetricsSnapshot> windows) {
        Stats.Summary pooled = null;
        for (Stats.Summary s : Windows.qualityByModel(windows).values()) {
            pooled = pooled == null ? s : pooled.plus(s);
        }
        return pooled;
    }

    static double costPerRequest(MetricsSnapshot w, Map<String, Double> modelCost) {
        if (w.cost() != null && w.cost().requests() > 0) {
            return w.cost().costPerRequestUsd();
        }
        if (w.selection() == null || w.selection().modelShare().isEmpty() || modelCost.isEmpty()) {
            return Double.NaN;
        }
        double cost = 0;
        for (Map.Entry<String, Double> e : w.selection().modelShare().entrySet()) {
            Double c = modelCost.get(e.getKey());
            if (c == null) {
                return Double.NaN; // a model of unknown price: the window's cost is unknown
            }
            cost += e.getValue() * c;
        }
        return cost;
    }

    private Proposal rollback(Proposal applied, List<Effect> regressions, Map<String, Effect> effects,
                              Map<String, Double> statistics, long afterStart, long afterEnd, long evaluatedAt, ProposalConfig.Outcome cfg) {
        TreeMap<String, String> params = new TreeMap<>(applied.parameters());
        params.put("rollbackOf", applied.proposalId());
        params.put("originalKind", applied.kind().name());
        params.put("originalAction", applied.action());
        List<Evidence> evidence = new ArrayList<>();
        for (Effect e : regressions) {
            evidence.add(new Evidence(e.metric(), applied.target().toString(), e.after(), e.before(), e.samplesAfter(),
                    afterStart, afterEnd));
        }
        Effect strongest = regressions.stream().min(java.util.Comparator.comparingDouble(Effect::pValue)
                .thenComparing(Effect::metric)).orElseThrow();
        ExpectedImpact undo = new ExpectedImpact(negated(effects.get(LATENCY), false),
                negated(effects.get(COST), true), negated(effects.get(QUALITY), false),
                negated(effects.get(HIT_RATE), false));
        String identity = "rollback|rollbackOf=" + applied.proposalId();
        return new Proposal(ProposalEngine.proposalId(ProposalKind.ROLLBACK, applied.target(), identity, evaluatedAt),
                ProposalKind.ROLLBACK, applied.target(), "rollback", params, ProposalStatus.OPEN, evidence, undo,
                new Confidence(strongest.test(), finite(statistics.get(strongest.metric())), strongest.pValue(),
                        1.0 - cfg.alpha()),
                RolloutPlan.immediate(), evaluatedAt, evaluatedAt + cfg.rollbackTtlMs(), applied.proposalId());
    }

    /** Constant samples give infinite statistics, which JSON views of the Avro record cannot carry. */
    private static double finite(Double statistic) {
        if (statistic == null || Double.isNaN(statistic)) {
            return 0.0;
        }
        return Math.max(-Double.MAX_VALUE, Math.min(Double.MAX_VALUE, statistic));
    }

    /** Undoing the change is expected to reverse its measured effect. */
    private static Double negated(Effect e, boolean percent) {
        if (e == null) {
            return null;
        }
        return percent ? -e.relativeDelta() * 100 : -e.delta();
    }
}
