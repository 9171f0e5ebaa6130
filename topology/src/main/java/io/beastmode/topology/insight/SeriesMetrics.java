package io.beastmode.topology.insight;

import io.beastmode.detectors.AlertConfirmation;
import io.beastmode.detectors.CountEvidence;
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

    /**
     * Whether an anomalous value of {@code metric} is one to report: in the harmful direction, and backed by the
     * window's counts ({@link CountEvidence}): a rate must
     * differ significantly from the expected one given the window's events, a percentile must rest on more than the
     * slowest request. Other metrics are not counts of events and always pass.
     */
    static boolean enoughEvents(String metric, double value, MetricsSnapshot s, double expected) {
        boolean harmful = direction(metric) == AlertConfirmation.Direction.UP ? value > expected : value < expected;
        if (!harmful) {
            return false;
        }
        return switch (metric) {
            case ERROR_RATE -> CountEvidence.rateIsSignificant(s.requests().errorCount(), s.requests().count(),
                    expected);
            case HIT_RATE -> {
                long considered = s.cache().lookups() - s.cache().outcomes().getOrDefault("BYPASS", 0L);
                yield CountEvidence.rateIsSignificant(s.cache().outcomes().getOrDefault("HIT", 0L), considered,
                        expected);
            }
            case P95 -> CountEvidence.percentileIsEstimated(0.95, s.latency().count());
            case P99 -> CountEvidence.percentileIsEstimated(0.99, s.latency().count());
            default -> true;
        };
    }

    /**
     * Detectors are two-sided (NAB scores both directions), but a gateway metric is only a problem one way: latency,
     * errors and spend going up, the cache hit rate going down, throughput going down (an outage). A faster or
     * cheaper minute is not an anomaly anyone acts on, and neither is a surge of requests by itself: what a surge
     * breaks shows on the latency, error and spend series, which have detectors of their own (alert on symptoms).
     * On the clean 3-hour replay, 3 of the 4 anomalies left after confirmation were real surges of the Azure trace.
     */
    static AlertConfirmation.Direction direction(String metric) {
        return switch (metric) {
            case P95, P99, ERROR_RATE, BURN_RATE -> AlertConfirmation.Direction.UP;
            case HIT_RATE, THROUGHPUT -> AlertConfirmation.Direction.DOWN;
            default -> throw new IllegalArgumentException("no harmful direction known for " + metric);
        };
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
