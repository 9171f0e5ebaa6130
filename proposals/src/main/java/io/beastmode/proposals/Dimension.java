package io.beastmode.proposals;

/** The grouping a metric series is computed over, mirroring {@code Dimension.avsc}. */
public enum Dimension {
    ALL, REQUEST_TYPE_MODEL, MODEL, TENANT, CACHE_TIER_NAMESPACE, REQUEST_TYPE
}
