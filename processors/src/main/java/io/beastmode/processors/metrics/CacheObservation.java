package io.beastmode.processors.metrics;

/**
 * One cache lookup.
 *
 * @param tier       EXACT, SEMANTIC or PREFIX
 * @param outcome    HIT, MISS, EXPIRED, BYPASS or ERROR
 * @param similarity best similarity found (semantic tier), nullable
 * @param threshold  similarity threshold in force (semantic tier), nullable
 * @param keyHash    hash of the cache key; used to detect keys re-requested after expiry, nullable
 */
public record CacheObservation(long eventTimeMs, String tier, String namespace, String outcome, double lookupLatencyMs,
                               Double similarity, Double threshold, int tokensSaved, double usdSaved, String keyHash) {
}
