package io.beastmode.topology.insight;

import io.beastmode.processors.metrics.MetricsSnapshot;
import io.beastmode.processors.metrics.MetricsSnapshot.CostStats;
import io.beastmode.processors.metrics.MetricsSnapshot.LatencyStats;
import io.beastmode.processors.metrics.MetricsSnapshot.QualityStat;
import io.beastmode.processors.metrics.MetricsSnapshot.RequestStats;
import io.beastmode.processors.metrics.MetricsSnapshot.SelectionStats;

import java.util.Map;
import java.util.TreeMap;

/** Hand-made one-minute windows: only the families a test sets are present. */
final class W {

    private final long start;
    private RequestStats requests = new RequestStats(0, 0, 0, 0, Map.of());
    private LatencyStats latency;
    private SelectionStats selection;
    private CostStats cost;

    private W(long start) {
        this.start = start;
    }

    static W minute(int i) {
        return new W(InsightFixture.T0 + i * InsightFixture.MIN);
    }

    static long start(int i) {
        return InsightFixture.T0 + i * InsightFixture.MIN;
    }

    static long end(int i) {
        return start(i + 1);
    }

    W requests(long count, long errors, double p95) {
        requests = new RequestStats(count, count / 60.0, errors, count == 0 ? 0 : (double) errors / count, Map.of());
        latency = new LatencyStats(count, p95 / 2, p95, p95 * 1.2, p95 * 1.5, p95 / 1.8);
        return this;
    }

    /** Selections per model of a request type; quality per model as (samples, correct) of 0/1 judgments. */
    W selection(Map<String, Long> selections, Map<String, long[]> binaryQuality) {
        long total = selections.values().stream().mapToLong(Long::longValue).sum();
        Map<String, Double> share = new TreeMap<>();
        selections.forEach((m, n) -> share.put(m, (double) n / total));
        Map<String, QualityStat> quality = new TreeMap<>();
        binaryQuality.forEach((m, q) -> quality.put(m, new QualityStat(q[0], (double) q[1] / q[0], q[1])));
        selection = new SelectionStats(total, share, quality, null, 0.0);
        return this;
    }

    W cost(long requests, double spendUsd) {
        cost = new CostStats(requests, spendUsd, requests == 0 ? 0 : spendUsd / requests, spendUsd, 0, 0, null, null,
                spendUsd * 60);
        return this;
    }

    MetricsSnapshot build() {
        return new MetricsSnapshot(start, start + InsightFixture.MIN, requests, latency, null, null, null, selection,
                cost, null);
    }
}
