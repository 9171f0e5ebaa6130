package io.beastmode.simulator;

import io.beastmode.stack.BeastTestStack;
import org.junit.jupiter.api.Test;

import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Measures the runner publishing 100 000 events to the contract topics of the real in-process broker and registry
 * (as {@code beast simulate --max-events 100000} does) and prints events/s.
 */
class SimulatorThroughputIT {

    @Test
    void publishesOneHundredThousandEvents() {
        SimulatorOptions options = new SimulatorOptions().bootstrapServers(BeastTestStack.bootstrapServers())
                .schemaRegistry(BeastTestStack.registryUrl()).maxEvents(100_000).progress(true);
        SimulationSummary summary = new SimulatorRunner(options).run();
        System.out.print(summary.toText());
        System.out.printf(Locale.ROOT, "THROUGHPUT %d events in %.2f s = %.0f events/s (%s)%n", summary.totalPublished(),
                summary.wallSeconds(), summary.eventsPerSecond(), summary.dataSource());
        assertThat(summary.totalPublished()).isEqualTo(100_000);
        assertThat(summary.failed()).isZero();
        for (String kind : summary.topics().keySet()) {
            assertThat(summary.published().get(kind)).as(kind).isPositive();
        }
    }
}
