package io.beastmode.topology.model;

import io.beastmode.analytics.v1.CacheStats;
import io.beastmode.analytics.v1.CostStats;
import io.beastmode.analytics.v1.InputLengthBucket;
import io.beastmode.analytics.v1.LatencyStats;
import io.beastmode.analytics.v1.NamedCount;
import io.beastmode.analytics.v1.QualityStat;
import io.beastmode.analytics.v1.RequestStats;
import io.beastmode.analytics.v1.SelectionStats;
import io.beastmode.analytics.v1.UsageStats;
import io.beastmode.analytics.v1.WindowMetrics;
import io.beastmode.processors.metrics.MetricsSnapshot;
import io.beastmode.processors.metrics.WindowAggregate;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** Maps a processors {@link MetricsSnapshot} to the {@code WindowMetrics} Avro contract, field by field. */
public final class MetricsMapper {

    private MetricsMapper() {
    }

    public static WindowMetrics toWindowMetrics(String storeKey, long windowStartMs, long windowEndMs,
                                                WindowAggregate aggregate, boolean isFinal, long emittedAtMs) {
        return toWindowMetrics(storeKey, aggregate.snapshot(windowStartMs, windowEndMs), isFinal, emittedAtMs);
    }

    public static WindowMetrics toWindowMetrics(String storeKey, MetricsSnapshot s, boolean isFinal, long emittedAtMs) {
        return WindowMetrics.newBuilder()
                .setDimension(DimensionKeys.dimension(storeKey))
                .setDimensionKey(DimensionKeys.dimensionKey(storeKey))
                .setWindowStart(s.windowStartMs())
                .setWindowEnd(s.windowEndMs())
                .setWindowSizeMs(s.windowSizeMs())
                .setFinal$(isFinal)
                .setEmittedAt(emittedAtMs)
                .setRequests(requests(s.requests()))
                .setLatency(latency(s.latency()))
                .setTimeToFirstToken(latency(s.timeToFirstToken()))
                .setLatencySketch(s.latencySketch() == null ? null : ByteBuffer.wrap(s.latencySketch()))
                .setCache(cache(s.cache()))
                .setSelection(selection(s.selection()))
                .setCost(cost(s.cost()))
                .setUsage(usage(s.usage()))
                .build();
    }

    private static RequestStats requests(MetricsSnapshot.RequestStats r) {
        return RequestStats.newBuilder()
                .setCount(r.count())
                .setThroughputRps(r.throughputRps())
                .setErrorCount(r.errorCount())
                .setErrorRate(r.errorRate())
                .setErrorsByClass(new TreeMap<>(r.errorsByClass()))
                .build();
    }

    private static LatencyStats latency(MetricsSnapshot.LatencyStats l) {
        if (l == null) {
            return null;
        }
        return LatencyStats.newBuilder()
                .setCount(l.count()).setP50(l.p50()).setP95(l.p95()).setP99(l.p99()).setMax(l.max()).setMean(l.mean())
                .build();
    }

    private static CacheStats cache(MetricsSnapshot.CacheStats c) {
        if (c == null) {
            return null;
        }
        return CacheStats.newBuilder()
                .setLookups(c.lookups())
                .setOutcomes(new TreeMap<>(c.outcomes()))
                .setHitRate(c.hitRate())
                .setHitRateByTier(new TreeMap<>(c.hitRateByTier()))
                .setLookupLatencyP95Ms(c.lookupLatencyP95Ms())
                .setTokensSaved(c.tokensSaved())
                .setUsdSaved(c.usdSaved())
                .setNearThresholdMisses(c.nearThresholdMisses())
                .setNearThresholdBucketWidth(c.nearThresholdBucketWidth())
                .setExpiredRerequested(c.expiredRerequested())
                .build();
    }

    private static SelectionStats selection(MetricsSnapshot.SelectionStats s) {
        if (s == null) {
            return null;
        }
        Map<String, QualityStat> quality = new TreeMap<>();
        s.qualityByModel().forEach((model, q) -> quality.put(model, QualityStat.newBuilder()
                .setSamples(q.samples()).setMean(q.mean()).setSumSquares(q.sumSquares()).build()));
        return SelectionStats.newBuilder()
                .setSelections(s.selections())
                .setModelShare(new TreeMap<>(s.modelShare()))
                .setQualityByModel(quality)
                .setAccuracy(s.accuracy())
                .setFallbackRate(s.fallbackRate())
                .build();
    }

    private static CostStats cost(MetricsSnapshot.CostStats c) {
        if (c == null) {
            return null;
        }
        return CostStats.newBuilder()
                .setRequests(c.requests())
                .setSpendUsd(c.spendUsd())
                .setCostPerRequestUsd(c.costPerRequestUsd())
                .setBaselineSpendUsd(c.baselineSpendUsd())
                .setSavingsUsd(c.savingsUsd())
                .setSavingsPct(c.savingsPct())
                .setBudgetLimitUsd(c.budgetLimitUsd())
                .setBudgetUtilization(c.budgetUtilization())
                .setBurnRateUsdPerHour(c.burnRateUsdPerHour())
                .build();
    }

    private static UsageStats usage(MetricsSnapshot.UsageStats u) {
        if (u == null) {
            return null;
        }
        return UsageStats.newBuilder()
                .setTopRequestTypes(u.topRequestTypes().stream()
                        .map(n -> NamedCount.newBuilder().setName(n.name()).setCount(n.count()).build()).toList())
                .setPeakMinuteStart(u.peakMinuteStart())
                .setPeakMinuteCount(u.peakMinuteCount())
                .setInputLengthBuckets(u.inputLengthBuckets().stream()
                        .map(b -> InputLengthBucket.newBuilder().setUpperBoundTokens(b.upperBoundTokens())
                                .setCount(b.count()).setLatencyP99Ms(b.latencyP99Ms()).build()).toList())
                .build();
    }

    /** A JSON-friendly view of one window (HTTP API): the snapshot's records become nested maps via Jackson. */
    public static Map<String, Object> toJson(String storeKey, MetricsSnapshot s, boolean closed) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dimension", DimensionKeys.dimension(storeKey).name());
        m.put("dimensionKey", DimensionKeys.dimensionKey(storeKey));
        m.put("windowStart", s.windowStartMs());
        m.put("windowEnd", s.windowEndMs());
        m.put("windowSizeMs", s.windowSizeMs());
        m.put("closed", closed);
        m.put("requests", s.requests());
        m.put("latency", s.latency());
        m.put("timeToFirstToken", s.timeToFirstToken());
        m.put("cache", s.cache());
        m.put("selection", s.selection());
        m.put("cost", s.cost());
        m.put("usage", s.usage());
        return m;
    }
}
