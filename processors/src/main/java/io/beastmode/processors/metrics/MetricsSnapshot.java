package io.beastmode.processors.metrics;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Computed metrics of one dimension key over one window, mirroring {@code WindowMetrics.avsc} (analytics v1) so the
 * topology maps it field by field. Families that saw no events are null, as the schema documents; {@code requests}
 * is always present (count 0 when there were no request events).
 *
 * @param latencySketch DDSketch protobuf form of the request latency sketch, null when there were no requests
 */
public record MetricsSnapshot(long windowStartMs, long windowEndMs, RequestStats requests, LatencyStats latency,
                              LatencyStats timeToFirstToken, byte[] latencySketch, CacheStats cache,
                              SelectionStats selection, CostStats cost, UsageStats usage) {

    public long windowSizeMs() {
        return windowEndMs - windowStartMs;
    }

    /** Request counts, throughput and errors; errorsByClass is keyed by error class (status name as fallback). */
    public record RequestStats(long count, double throughputRps, long errorCount, double errorRate,
                               Map<String, Long> errorsByClass) {
    }

    /** Sketch summary: quantiles within the sketch's relative accuracy, exact count, max and mean. */
    public record LatencyStats(long count, double p50, double p95, double p99, double max, double mean) {
    }

    public record CacheStats(long lookups, Map<String, Long> outcomes, double hitRate, Map<String, Double> hitRateByTier,
                             double lookupLatencyP95Ms, long tokensSaved, double usdSaved,
                             List<Long> nearThresholdMisses, double nearThresholdBucketWidth,
                             long expiredRerequested) {
    }

    public record QualityStat(long samples, double mean, double sumSquares) {
    }

    /** @param accuracy null when no decision could be judged */
    public record SelectionStats(long selections, Map<String, Double> modelShare, Map<String, QualityStat> qualityByModel,
                                 Double accuracy, double fallbackRate) {
    }

    /** @param budgetLimitUsd null when no cost event carried a budget; budgetUtilization then null too */
    public record CostStats(long requests, double spendUsd, double costPerRequestUsd, double baselineSpendUsd,
                            double savingsUsd, double savingsPct, Double budgetLimitUsd, Double budgetUtilization,
                            double burnRateUsdPerHour) {
    }

    public record NamedCount(String name, long count) {
    }

    /** @param upperBoundTokens inclusive upper bound of input tokens (Integer.MAX_VALUE for the last bucket) */
    public record InputLengthBucket(int upperBoundTokens, long count, double latencyP99Ms) {
    }

    public record UsageStats(List<NamedCount> topRequestTypes, long peakMinuteStart, long peakMinuteCount,
                             List<InputLengthBucket> inputLengthBuckets) {
    }

    // byte[] components need content equality, otherwise two equal snapshots never compare equal.
    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof MetricsSnapshot s
                && windowStartMs == s.windowStartMs && windowEndMs == s.windowEndMs
                && Objects.equals(requests, s.requests) && Objects.equals(latency, s.latency)
                && Objects.equals(timeToFirstToken, s.timeToFirstToken)
                && Arrays.equals(latencySketch, s.latencySketch) && Objects.equals(cache, s.cache)
                && Objects.equals(selection, s.selection) && Objects.equals(cost, s.cost)
                && Objects.equals(usage, s.usage);
    }

    @Override
    public int hashCode() {
        return Objects.hash(windowStartMs, windowEndMs, requests, latency, timeToFirstToken,
                Arrays.hashCode(latencySketch), cache, selection, cost, usage);
    }

    @Override
    public String toString() {
        return "MetricsSnapshot[windowStartMs=" + windowStartMs + ", windowEndMs=" + windowEndMs
                + ", requests=" + requests + ", latency=" + latency + ", timeToFirstToken=" + timeToFirstToken
                + ", latencySketch=" + (latencySketch == null ? "null" : latencySketch.length + " bytes")
                + ", cache=" + cache + ", selection=" + selection + ", cost=" + cost + ", usage=" + usage + "]";
    }
}
