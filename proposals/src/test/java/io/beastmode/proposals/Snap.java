package io.beastmode.proposals;

import io.beastmode.processors.metrics.MetricsSnapshot;
import io.beastmode.processors.metrics.MetricsSnapshot.CacheStats;
import io.beastmode.processors.metrics.MetricsSnapshot.CostStats;
import io.beastmode.processors.metrics.MetricsSnapshot.LatencyStats;
import io.beastmode.processors.metrics.MetricsSnapshot.QualityStat;
import io.beastmode.processors.metrics.MetricsSnapshot.RequestStats;
import io.beastmode.processors.metrics.MetricsSnapshot.SelectionStats;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Hand-made one-minute window snapshots: only the families a test sets are present. */
final class Snap {

    /** 2024-01-01T00:00:00Z, a UTC day start, so budget periods are easy to compute by hand. */
    static final long T0 = 1_704_067_200_000L;
    static final long MIN = 60_000L;

    private long start;
    private RequestStats requests = new RequestStats(0, 0, 0, 0, Map.of());
    private LatencyStats latency;
    private CacheStats cache;
    private SelectionStats selection;
    private CostStats cost;

    static Snap window(int i) {
        Snap s = new Snap();
        s.start = T0 + i * MIN;
        return s;
    }

    static long start(int i) {
        return T0 + i * MIN;
    }

    static long end(int i) {
        return T0 + (i + 1) * MIN;
    }

    Snap requests(long count, long errors, double p95) {
        requests = new RequestStats(count, count / 60.0, errors, count == 0 ? 0 : (double) errors / count, Map.of());
        latency = new LatencyStats(count, p95 / 2, p95, p95 * 1.2, p95 * 1.5, p95 / 1.8);
        return this;
    }

    /** Selections per model of a request type; quality per model as (samples, correct) of 0/1 judgments. */
    Snap selection(Map<String, Long> selections, Map<String, long[]> binaryQuality) {
        long total = selections.values().stream().mapToLong(Long::longValue).sum();
        Map<String, Double> share = new TreeMap<>();
        selections.forEach((m, n) -> share.put(m, (double) n / total));
        Map<String, QualityStat> quality = new TreeMap<>();
        binaryQuality.forEach((m, q) -> quality.put(m, new QualityStat(q[0], (double) q[1] / q[0], q[1])));
        selection = new SelectionStats(total, share, quality, null, 0.0);
        return this;
    }

    Snap quality(Map<String, QualityStat> quality, Map<String, Long> selections) {
        long total = selections.values().stream().mapToLong(Long::longValue).sum();
        Map<String, Double> share = new TreeMap<>();
        selections.forEach((m, n) -> share.put(m, (double) n / total));
        selection = new SelectionStats(total, share, quality, null, 0.0);
        return this;
    }

    Snap cost(long requests, double spendUsd) {
        cost = new CostStats(requests, spendUsd, requests == 0 ? 0 : spendUsd / requests, spendUsd, 0, 0, null, null,
                spendUsd * 60);
        return this;
    }

    Snap budgetCost(long requests, double spendUsd, double limitUsd) {
        cost = new CostStats(requests, spendUsd, spendUsd / requests, spendUsd, 0, 0, limitUsd, spendUsd / limitUsd,
                spendUsd * 60);
        return this;
    }

    Snap cache(Map<String, Long> outcomes, long expiredRerequested, List<Long> nearThresholdMisses) {
        long lookups = outcomes.values().stream().mapToLong(Long::longValue).sum();
        long bypass = outcomes.getOrDefault("BYPASS", 0L);
        double hitRate = lookups == bypass ? 0 : (double) outcomes.getOrDefault("HIT", 0L) / (lookups - bypass);
        cache = new CacheStats(lookups, outcomes, hitRate, Map.of(), 1.0, 0, 0, nearThresholdMisses, 0.01,
                expiredRerequested);
        return this;
    }

    MetricsSnapshot build() {
        return new MetricsSnapshot(start, start + MIN, requests, latency, null, null, cache, selection, cost, null);
    }
}
