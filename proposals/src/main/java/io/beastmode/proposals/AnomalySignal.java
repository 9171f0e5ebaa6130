package io.beastmode.proposals;

import java.util.Objects;

/**
 * What the anomaly detector concluded about one series (dimension, key, metric) at one window: anomalous with a
 * score, or healthy again. The topology builds it from an {@code Anomaly} record ({@code anomalous = true}) or from
 * the detector's return to normal ({@code anomalous = false}).
 *
 * @param metric metric name as on {@code beast.anomalies.v1}, e.g. 'latency.p95', 'latency.p99',
 *               'requests.errorRate'
 * @param score  anomaly score in [0,1]; ignored for recoveries
 */
public record AnomalySignal(Dimension dimension, String key, String metric, long windowStartMs, long windowEndMs,
                            double observed, double expected, double score, boolean anomalous) {

    public AnomalySignal {
        Objects.requireNonNull(dimension, "dimension");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(metric, "metric");
    }

    public static AnomalySignal anomaly(Dimension dimension, String key, String metric, long windowStartMs,
                                        long windowEndMs, double observed, double expected, double score) {
        return new AnomalySignal(dimension, key, metric, windowStartMs, windowEndMs, observed, expected, score, true);
    }

    public static AnomalySignal recovery(Dimension dimension, String key, String metric, long windowStartMs,
                                         long windowEndMs, double observed, double expected) {
        return new AnomalySignal(dimension, key, metric, windowStartMs, windowEndMs, observed, expected, 0.0, false);
    }
}
