package io.beastmode.topology.insight;

import io.beastmode.analytics.v1.WindowMetrics;
import io.beastmode.processors.metrics.MetricsSnapshot;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The reverse of {@code MetricsMapper}: a {@code WindowMetrics} record read back from {@code beast.metrics.v1} as the
 * {@link MetricsSnapshot} the detectors and the proposal engine take. Field by field; families absent on the record
 * stay null.
 */
public final class WindowMetricsReader {

    private WindowMetricsReader() {
    }

    public static MetricsSnapshot toSnapshot(WindowMetrics w) {
        return new MetricsSnapshot(w.getWindowStart(), w.getWindowEnd(), requests(w.getRequests()),
                latency(w.getLatency()), latency(w.getTimeToFirstToken()), bytes(w.getLatencySketch()),
                cache(w.getCache()), selection(w.getSelection()), cost(w.getCost()), usage(w.getUsage()));
    }

    private static MetricsSnapshot.RequestStats requests(io.beastmode.analytics.v1.RequestStats r) {
        if (r == null) {
            return new MetricsSnapshot.RequestStats(0, 0, 0, 0, Map.of());
        }
        return new MetricsSnapshot.RequestStats(r.getCount(), r.getThroughputRps(), r.getErrorCount(),
                r.getErrorRate(), new TreeMap<>(r.getErrorsByClass()));
    }

    private static MetricsSnapshot.LatencyStats latency(io.beastmode.analytics.v1.LatencyStats l) {
        return l == null ? null
                : new MetricsSnapshot.LatencyStats(l.getCount(), l.getP50(), l.getP95(), l.getP99(), l.getMax(),
                l.getMean());
    }

    private static byte[] bytes(ByteBuffer b) {
        if (b == null) {
            return null;
        }
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }

    private static MetricsSnapshot.CacheStats cache(io.beastmode.analytics.v1.CacheStats c) {
        if (c == null) {
            return null;
        }
        return new MetricsSnapshot.CacheStats(c.getLookups(), new TreeMap<>(c.getOutcomes()), c.getHitRate(),
                new TreeMap<>(c.getHitRateByTier()), c.getLookupLatencyP95Ms(), c.getTokensSaved(), c.getUsdSaved(),
                List.copyOf(c.getNearThresholdMisses()), c.getNearThresholdBucketWidth(), c.getExpiredRerequested());
    }

    private static MetricsSnapshot.SelectionStats selection(io.beastmode.analytics.v1.SelectionStats s) {
        if (s == null) {
            return null;
        }
        Map<String, MetricsSnapshot.QualityStat> quality = new TreeMap<>();
        s.getQualityByModel().forEach((model, q) -> quality.put(model,
                new MetricsSnapshot.QualityStat(q.getSamples(), q.getMean(), q.getSumSquares())));
        return new MetricsSnapshot.SelectionStats(s.getSelections(), new TreeMap<>(s.getModelShare()), quality,
                s.getAccuracy(), s.getFallbackRate());
    }

    private static MetricsSnapshot.CostStats cost(io.beastmode.analytics.v1.CostStats c) {
        if (c == null) {
            return null;
        }
        return new MetricsSnapshot.CostStats(c.getRequests(), c.getSpendUsd(), c.getCostPerRequestUsd(),
                c.getBaselineSpendUsd(), c.getSavingsUsd(), c.getSavingsPct(), c.getBudgetLimitUsd(),
                c.getBudgetUtilization(), c.getBurnRateUsdPerHour());
    }

    private static MetricsSnapshot.UsageStats usage(io.beastmode.analytics.v1.UsageStats u) {
        if (u == null) {
            return null;
        }
        return new MetricsSnapshot.UsageStats(
                u.getTopRequestTypes().stream()
                        .map(n -> new MetricsSnapshot.NamedCount(n.getName(), n.getCount())).toList(),
                u.getPeakMinuteStart(), u.getPeakMinuteCount(),
                u.getInputLengthBuckets().stream().map(b -> new MetricsSnapshot.InputLengthBucket(
                        b.getUpperBoundTokens(), b.getCount(), b.getLatencyP99Ms())).toList());
    }
}
