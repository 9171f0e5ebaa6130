package io.beastmode.topology.insight;

import io.beastmode.processors.metrics.MetricsSnapshot;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SeriesMetricsTest {

    @Test
    void onlyTheHarmfulDirectionIsReported() {
        MetricsSnapshot slow = W.minute(0).requests(1000, 0, 3000).build();
        assertThat(SeriesMetrics.enoughEvents(SeriesMetrics.P95, slow, 1000)).isTrue();
        assertThat(SeriesMetrics.enoughEvents(SeriesMetrics.P95, slow, 9000)).as("faster than usual").isFalse();
        MetricsSnapshot spend = W.minute(0).requests(100, 0, 1000).cost(100, 10).build();
        assertThat(SeriesMetrics.enoughEvents(SeriesMetrics.BURN_RATE, spend, 60)).isTrue();
        assertThat(SeriesMetrics.enoughEvents(SeriesMetrics.BURN_RATE, spend, 6000)).as("cheaper").isFalse();
        assertThat(SeriesMetrics.enoughEvents(SeriesMetrics.THROUGHPUT, spend, 100)).as("an outage").isTrue();
        assertThat(SeriesMetrics.enoughEvents(SeriesMetrics.THROUGHPUT, spend, 0.5)).as("a surge").isFalse();
    }

    @Test
    void ratesAndPercentilesNeedTheirCounts() {
        MetricsSnapshot oneError = W.minute(0).requests(32, 1, 1000).build();
        assertThat(SeriesMetrics.enoughEvents(SeriesMetrics.ERROR_RATE, oneError, 0.0)).isFalse();
        MetricsSnapshot burst = W.minute(0).requests(75, 22, 1000).build();
        assertThat(SeriesMetrics.enoughEvents(SeriesMetrics.ERROR_RATE, burst, 0.003)).isTrue();
        MetricsSnapshot few = W.minute(0).requests(50, 0, 3000).build();
        assertThat(SeriesMetrics.enoughEvents(SeriesMetrics.P95, few, 1000)).isTrue();
        assertThat(SeriesMetrics.enoughEvents(SeriesMetrics.P99, few, 1000)).as("p99 of 50 is their maximum").isFalse();
    }
}
