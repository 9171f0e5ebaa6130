package io.beastmode.topology.insight;

import io.beastmode.processors.metrics.MetricsSnapshot;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SeriesMetricsTest {

    @Test
    void onlyTheHarmfulDirectionIsReported() {
        MetricsSnapshot slow = W.minute(0).requests(1000, 0, 3000).build();
        assertThat(enough(SeriesMetrics.P95, slow, 1000)).isTrue();
        assertThat(enough(SeriesMetrics.P95, slow, 9000)).as("faster than usual").isFalse();
        MetricsSnapshot spend = W.minute(0).requests(100, 0, 1000).cost(100, 10).build();
        assertThat(enough(SeriesMetrics.BURN_RATE, spend, 60)).isTrue();
        assertThat(enough(SeriesMetrics.BURN_RATE, spend, 6000)).as("cheaper").isFalse();
        assertThat(enough(SeriesMetrics.THROUGHPUT, spend, 100)).as("an outage").isTrue();
        assertThat(enough(SeriesMetrics.THROUGHPUT, spend, 0.5)).as("a surge").isFalse();
    }

    @Test
    void ratesAndPercentilesNeedTheirCounts() {
        MetricsSnapshot oneError = W.minute(0).requests(32, 1, 1000).build();
        assertThat(enough(SeriesMetrics.ERROR_RATE, oneError, 0.0)).isFalse();
        MetricsSnapshot burst = W.minute(0).requests(75, 22, 1000).build();
        assertThat(enough(SeriesMetrics.ERROR_RATE, burst, 0.003)).isTrue();
        MetricsSnapshot few = W.minute(0).requests(50, 0, 3000).build();
        assertThat(enough(SeriesMetrics.P95, few, 1000)).isTrue();
        assertThat(enough(SeriesMetrics.P99, few, 1000)).as("p99 of 50 is their maximum").isFalse();
    }

    /** The check as the insight step calls it, with the window's own value of the metric. */
    private static boolean enough(String metric, MetricsSnapshot s, double expected) {
        return SeriesMetrics.enoughEvents(metric, SeriesMetrics.of(s).get(metric), s, expected);
    }
}
