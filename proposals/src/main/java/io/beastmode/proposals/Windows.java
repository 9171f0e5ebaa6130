package io.beastmode.proposals;

import io.beastmode.processors.metrics.MetricsSnapshot;
import io.beastmode.processors.metrics.MetricsSnapshot.QualityStat;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/** Pooling of window snapshots: counts and sums add up, per-window values become samples. */
final class Windows {

    private Windows() {
    }

    /** Judged quality per model, pooled over the windows (samples, mean and sum of squares add up exactly). */
    static TreeMap<String, Stats.Summary> qualityByModel(List<MetricsSnapshot> windows) {
        TreeMap<String, Stats.Summary> pooled = new TreeMap<>();
        for (MetricsSnapshot w : windows) {
            if (w.selection() == null) {
                continue;
            }
            for (Map.Entry<String, QualityStat> e : w.selection().qualityByModel().entrySet()) {
                QualityStat q = e.getValue();
                if (q.samples() > 0) {
                    pooled.merge(e.getKey(), new Stats.Summary(q.samples(), q.mean(), q.sumSquares()),
                            Stats.Summary::plus);
                }
            }
        }
        return pooled;
    }

    /** Selections per model (share times selections of each window), pooled. */
    static TreeMap<String, Double> selectionsByModel(List<MetricsSnapshot> windows) {
        TreeMap<String, Double> counts = new TreeMap<>();
        for (MetricsSnapshot w : windows) {
            if (w.selection() != null) {
                w.selection().modelShare().forEach((model, share) ->
                        counts.merge(model, share * w.selection().selections(), Double::sum));
            }
        }
        return counts;
    }

    /** Pooled cost per request (total spend / total requests), null without cost data. */
    static Double costPerRequest(List<MetricsSnapshot> windows) {
        double spend = 0;
        long requests = 0;
        for (MetricsSnapshot w : windows) {
            if (w.cost() != null && w.cost().requests() > 0) {
                spend += w.cost().spendUsd();
                requests += w.cost().requests();
            }
        }
        return requests == 0 ? null : spend / requests;
    }

    /** Mean of a per-window value over the windows that have it; NaN when none. */
    static double mean(List<MetricsSnapshot> windows, ToDoubleFunction<MetricsSnapshot> value) {
        double[] v = values(windows, value);
        if (v.length == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (double x : v) {
            sum += x;
        }
        return sum / v.length;
    }

    /** Per-window values, skipping windows where the function returns NaN (no data). */
    static double[] values(List<MetricsSnapshot> windows, ToDoubleFunction<MetricsSnapshot> value) {
        return windows.stream().mapToDouble(value).filter(x -> !Double.isNaN(x)).toArray();
    }

    static double p95(MetricsSnapshot w) {
        return w.latency() == null ? Double.NaN : w.latency().p95();
    }

    static double p99(MetricsSnapshot w) {
        return w.latency() == null ? Double.NaN : w.latency().p99();
    }

    static long outcome(MetricsSnapshot w, String outcome) {
        return w.cache() == null ? 0 : w.cache().outcomes().getOrDefault(outcome, 0L);
    }

    static long sumOutcome(List<MetricsSnapshot> windows, String outcome) {
        long n = 0;
        for (MetricsSnapshot w : windows) {
            n += outcome(w, outcome);
        }
        return n;
    }

    static long start(List<MetricsSnapshot> windows) {
        return windows.isEmpty() ? 0 : windows.get(0).windowStartMs();
    }

    static long end(List<MetricsSnapshot> windows) {
        return windows.isEmpty() ? 0 : windows.get(windows.size() - 1).windowEndMs();
    }
}
