package io.beastmode.proposals;

import java.util.Comparator;

/** One metric series: a dimension and its key, e.g. (REQUEST_TYPE_MODEL, 'code|gpt-4'). */
public record SeriesKey(Dimension dimension, String key) implements Comparable<SeriesKey> {

    private static final Comparator<SeriesKey> ORDER =
            Comparator.comparing(SeriesKey::dimension).thenComparing(SeriesKey::key);

    @Override
    public int compareTo(SeriesKey o) {
        return ORDER.compare(this, o);
    }

    /** First part of a 'a|b' key (request type of REQUEST_TYPE_MODEL, tier of CACHE_TIER_NAMESPACE). */
    static String head(String key) {
        int bar = key.indexOf('|');
        return bar < 0 ? key : key.substring(0, bar);
    }

    /** Second part of a 'a|b' key (model of REQUEST_TYPE_MODEL, namespace of CACHE_TIER_NAMESPACE). */
    static String tail(String key) {
        int bar = key.indexOf('|');
        return bar < 0 ? key : key.substring(bar + 1);
    }
}
