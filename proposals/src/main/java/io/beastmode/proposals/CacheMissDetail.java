package io.beastmode.proposals;

import java.util.List;
import java.util.Objects;

/**
 * Per-window cache facts that {@code MetricsSnapshot.CacheStats} does not carry and the CACHE rules need; the topology
 * derives them from the same {@code CacheEvent}s, per tier and namespace. Every field except the window may be null
 * or empty, and each rule uses what is there.
 *
 * @param ttlMs                 TTL in force (the latest {@code CacheEvent.ttlMs}), null when unknown
 * @param expiredEntryAgeP90Ms  90th percentile of {@code entryAgeMs} over EXPIRED lookups: the TTL that would have
 *                              turned 90% of them into hits; null when unknown
 * @param semanticThreshold     similarity threshold in force (SEMANTIC tier), null when unknown
 * @param topMissedKeys         heavy hitters among MISS and EXPIRED lookups (e.g. a Space-Saving top-k of key
 *                              hashes), most-missed first; empty when not tracked
 */
public record CacheMissDetail(String tier, String namespace, long windowStartMs, long windowEndMs, Long ttlMs,
                              Double expiredEntryAgeP90Ms, Double semanticThreshold, List<KeyCount> topMissedKeys) {

    public CacheMissDetail {
        Objects.requireNonNull(tier, "tier");
        Objects.requireNonNull(namespace, "namespace");
        topMissedKeys = topMissedKeys == null ? List.of() : List.copyOf(topMissedKeys);
    }

    /** The CACHE_TIER_NAMESPACE dimension key this detail belongs to. */
    public String seriesKey() {
        return tier + "|" + namespace;
    }
}
