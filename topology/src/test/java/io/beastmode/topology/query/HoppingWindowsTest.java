package io.beastmode.topology.query;

import io.beastmode.processors.metrics.RequestObservation;
import io.beastmode.processors.metrics.WindowAggregate;
import io.beastmode.topology.query.MetricsQueryService.Found;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Hopping windows answered from the tumbling store: each the merge of the tumbling windows it covers. */
class HoppingWindowsTest {

    private static final long MIN = 60_000L;
    private static final double TOLERANCE = new WindowAggregate().qualityTolerance();

    private static WindowAggregate requests(long start, double... latencies) {
        WindowAggregate a = new WindowAggregate();
        for (double latency : latencies) {
            a.addRequest(new RequestObservation(start + 1, "t", "chat", "m", false, null, latency, latency / 4, 100, 10));
        }
        return a;
    }

    @Test
    void eachHoppingWindowMergesTheTumblingWindowsItCoversExactly() {
        long base = 100 * MIN;
        List<Found> tumbling = new ArrayList<>();
        WindowAggregate all = new WindowAggregate();
        // Minutes 0, 1, 2 and 6 have requests; 3 to 5 none.
        for (int minute : new int[] {0, 1, 2, 6}) {
            WindowAggregate a = requests(base + minute * MIN, 10.0 * (minute + 1), 100.0 * (minute + 1));
            tumbling.add(new Found(base + minute * MIN, a, base + 5 * MIN));
            if (minute < 5) {
                all.merge(a);
            }
        }
        List<Found> hopping = MetricsQueryService.hoppingWindows(tumbling, base - 4 * MIN + 1, base + 6 * MIN,
                5 * MIN, MIN, TOLERANCE);

        // Starts aligned on the advance from the first one at or after fromMs; every start whose five minutes hold
        // a tumbling window, so -3..-1 (minute 0 and later), 0, 1, 2 (and 6), 3..6 (minute 6).
        assertThat(hopping).extracting(Found::start).containsExactly(base - 3 * MIN, base - 2 * MIN, base - MIN, base,
                base + MIN, base + 2 * MIN, base + 3 * MIN, base + 4 * MIN, base + 5 * MIN, base + 6 * MIN);
        Found first = hopping.get(3);
        assertThat(first.aggregate().requestCount()).isEqualTo(6);
        assertThat(first.aggregate().toBytes()).isEqualTo(all.toBytes());
        assertThat(hopping.get(4).aggregate().requestCount()).isEqualTo(4); // minutes 1 to 5: 1 and 2
        assertThat(hopping.get(8).aggregate().requestCount()).isEqualTo(2); // minutes 5 to 9: 6
        assertThat(hopping.get(9).aggregate().requestCount()).isEqualTo(2);
        assertThat(hopping).allSatisfy(h -> assertThat(h.closedThrough()).isEqualTo(base + 5 * MIN));
    }

    @Test
    void noTumblingWindowsMeansNoHoppingWindowsAndAnUnknownClosePointStaysUnknown() {
        assertThat(MetricsQueryService.hoppingWindows(List.of(), 0, 10 * MIN, 5 * MIN, MIN, TOLERANCE)).isEmpty();
        List<Found> hopping = MetricsQueryService.hoppingWindows(
                List.of(new Found(2 * MIN, requests(2 * MIN, 5.0), null)), 0, 10 * MIN, 5 * MIN, MIN, TOLERANCE);
        assertThat(hopping).extracting(Found::start).containsExactly(0L, MIN, 2 * MIN);
        assertThat(hopping).allSatisfy(h -> assertThat(h.closedThrough()).isNull());
    }
}
