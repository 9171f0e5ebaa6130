package io.beastmode.topology.insight;

import io.beastmode.processors.metrics.MetricsSnapshot;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The metric values of one window that get a detector each, by the metric names of {@code beast.anomalies.v1}
 * (the names {@code FallbackRule} watches). A family the window lacks yields no value, so a series' detector only
 * ever sees real observations.
 */
final class SeriesMetrics {

    static final String P95 = "latency.p95";
    static final String P99 = "latency.p99";
    static final String ERROR_RATE = "requests.errorRate";
    static final String HIT_RATE = "cache.hitRate";
    static final String BURN_RATE = "cost.burnRate";
    static final String THROUGHPUT = "requests.throughput";

    private SeriesMetrics() {
    }

    static Map<String, Double> of(MetricsSnapshot s) {
        Map<String, Double> m = new LinkedHashMap<>();
        MetricsSnapshot.RequestStats r = s.requests();
        if (r != null && r.count() > 0) {
            m.put(ERROR_RATE, r.errorRate());
            m.put(THROUGHPUT, r.throughputRps());
        }
        if (s.latency() != null && s.latency().count() > 0) {
            m.put(P95, s.latency().p95());
            m.put(P99, s.latency().p99());
        }
        if (s.cache() != null && s.cache().lookups() > 0) {
            m.put(HIT_RATE, s.cache().hitRate());
        }
        if (s.cost() != null && s.cost().requests() > 0) {
            m.put(BURN_RATE, s.cost().burnRateUsdPerHour());
        }
        return m;
    }
}
