package io.beastmode.proposals;

import io.beastmode.processors.metrics.MetricsSnapshot;

import java.util.List;

/** Shared reading of a cache namespace's windows for the three CACHE rules. */
final class CacheRules {

    private CacheRules() {
    }

    /** Outcome counts of a CACHE_TIER_NAMESPACE series over its retained windows. */
    record Totals(long lookups, long hits, long misses, long expired, long bypass, long expiredRerequested,
                  long start, long end) {

        static Totals of(List<MetricsSnapshot> windows) {
            long lookups = 0, rerequested = 0;
            for (MetricsSnapshot w : windows) {
                if (w.cache() != null) {
                    lookups += w.cache().lookups();
                    rerequested += w.cache().expiredRerequested();
                }
            }
            return new Totals(lookups, Windows.sumOutcome(windows, "HIT"), Windows.sumOutcome(windows, "MISS"),
                    Windows.sumOutcome(windows, "EXPIRED"), Windows.sumOutcome(windows, "BYPASS"), rerequested,
                    Windows.start(windows), Windows.end(windows));
        }

        /** Every lookup that did not find a usable entry. */
        long allMisses() {
            return misses + expired;
        }

        /** Lookups that consulted the cache: the hit rate's denominator. */
        long considered() {
            return lookups - bypass;
        }
    }

    static Target target(String seriesKey) {
        return Target.cacheNamespace(SeriesKey.head(seriesKey), SeriesKey.tail(seriesKey));
    }

    /** The latest non-null value of a detail field. */
    static <T> T latest(List<CacheMissDetail> details, java.util.function.Function<CacheMissDetail, T> field) {
        for (int i = details.size() - 1; i >= 0; i--) {
            T v = field.apply(details.get(i));
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}
