package io.beastmode.topology.model;

import io.beastmode.analytics.v1.Dimension;

/**
 * Grouping keys of the window stores: {@code <DIMENSION>|<dimensionKey>}, e.g. {@code ALL|*},
 * {@code REQUEST_TYPE_MODEL|code|gpt-4}, {@code CACHE_TIER_NAMESPACE|SEMANTIC|faq}. The dimension name never contains
 * '|', so the first '|' separates it from the key even when the key has '|' in it.
 */
public final class DimensionKeys {

    public static final String ALL_KEY = "*";
    public static final String ALL = key(Dimension.ALL, ALL_KEY);
    public static final char SEPARATOR = '|';

    private DimensionKeys() {
    }

    public static String key(Dimension dimension, String dimensionKey) {
        return dimension.name() + SEPARATOR + dimensionKey;
    }

    public static String join(String a, String b) {
        return a + SEPARATOR + b;
    }

    public static Dimension dimension(String storeKey) {
        return Dimension.valueOf(storeKey.substring(0, separator(storeKey)));
    }

    public static String dimensionKey(String storeKey) {
        return storeKey.substring(separator(storeKey) + 1);
    }

    private static int separator(String storeKey) {
        int i = storeKey.indexOf(SEPARATOR);
        if (i <= 0) {
            throw new IllegalArgumentException("not a dimension key: '" + storeKey + "'");
        }
        return i;
    }

    /** The {@code beast.metrics.v1} record key: {@code <dimension>|<dimensionKey>|<windowSizeMs>@<windowStart>}. */
    public static String metricsKey(String storeKey, long windowSizeMs, long windowStartMs) {
        return storeKey + SEPARATOR + windowSizeMs + '@' + windowStartMs;
    }
}
