package io.beastmode.cli;

import io.beastmode.analytics.v1.Anomaly;
import io.beastmode.analytics.v1.Dimension;
import io.beastmode.analytics.v1.Severity;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class InsightPrinterTest {

    @Test
    void anAnomalyLineNamesSeriesObservedExpectedAndScore() {
        Anomaly a = Anomaly.newBuilder().setAnomalyId("a1").setMetric("latency.p95").setDimension(Dimension.MODEL)
                .setDimensionKey("gpt-4-1106-preview").setWindowStart(1_700_000_040_000L).setWindowEnd(1_700_000_100_000L)
                .setObserved(5610.0).setExpected(2000.0).setScore(0.999).setSeverity(Severity.CRITICAL)
                .setDetector("robust-novelty").setDetectedAt(0L).build();

        assertThat(InsightPrinter.line(a)).isEqualTo("ANOMALY  CRITICAL MODEL=gpt-4-1106-preview latency.p95: "
                + "observed 5610, expected 2000, score 1.00 (robust-novelty, window 2023-11-14T22:14:00Z)");
    }
}
