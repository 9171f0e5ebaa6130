package io.beastmode.processors.metrics;

import io.beastmode.processors.bench.AzureTrace;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Accuracy of the windowed latency percentiles over a replay of the real Azure 2023 trace (latency model in
 * {@link AzureTrace}), through the same {@link WindowAggregate} path the topology uses.
 *
 * <p>Percentile definition (the one DDSketch's getValueAtQuantile targets): for the n values of a window sorted
 * ascending and indexed from 0, the q-percentile is the value at rank {@code floor(q * (n - 1))} (lower nearest rank,
 * no interpolation). Every 1-minute window's p50/p95/p99 must be within 1% relative error of it; 5-minute hopping
 * windows are built by merging the 1-minute aggregates, as the rollups do, and must meet the same bound.
 */
class SketchAccuracyTest {

    private static final double[] QUANTILES = {0.50, 0.95, 0.99};
    private static final long MINUTE = 60_000;

    static double exactQuantile(double[] sorted, double q) {
        return sorted[(int) Math.floor(q * (sorted.length - 1))];
    }

    @ParameterizedTest
    @ValueSource(strings = {AzureTrace.CONV, AzureTrace.CODE})
    void everyWindowPercentileIsWithinOnePercentOfTheExactOne(String traceName) {
        Path csv = AzureTrace.file(traceName);
        assumeThat(Files.isReadable(csv)).as("trace %s present", csv).isTrue();
        List<AzureTrace.Request> trace = AzureTrace.read(csv);

        Map<Long, List<AzureTrace.Request>> byMinute = trace.stream().collect(Collectors.groupingBy(
                r -> Math.floorDiv(r.timestampMs(), MINUTE) * MINUTE, TreeMap::new, Collectors.toList()));
        Map<Long, WindowAggregate> minuteAggregates = new TreeMap<>();
        byMinute.forEach((start, requests) -> {
            WindowAggregate a = new WindowAggregate();
            requests.forEach(r -> a.addRequest(new RequestObservation(r.timestampMs(), "azure", "conv", "m", false,
                    null, r.latencyMs(), null, r.contextTokens(), r.generatedTokens())));
            // Through the store's byte form, as the topology reads it back.
            minuteAggregates.put(start, WindowAggregate.fromBytes(a.toBytes()));
        });

        double maxError = 0;
        long counted = 0;
        for (Map.Entry<Long, List<AzureTrace.Request>> e : byMinute.entrySet()) {
            double[] values = e.getValue().stream().mapToDouble(AzureTrace.Request::latencyMs).sorted().toArray();
            MetricsSnapshot s = minuteAggregates.get(e.getKey()).snapshot(e.getKey(), e.getKey() + MINUTE);
            maxError = Math.max(maxError, assertWithinOnePercent(values, s, "1m@" + e.getKey()));
            counted += s.requests().count();
        }
        assertThat(counted).isEqualTo(trace.size());

        // 5-minute windows hopping by a minute: merge the minute aggregates, never their percentiles.
        long first = byMinute.keySet().iterator().next();
        long last = ((TreeMap<Long, ?>) byMinute).lastKey();
        int fiveMinuteWindows = 0;
        for (long start = first - 4 * MINUTE; start <= last; start += MINUTE) {
            WindowAggregate merged = new WindowAggregate();
            double[] values = new double[0];
            for (long m = start; m < start + 5 * MINUTE; m += MINUTE) {
                if (minuteAggregates.containsKey(m)) {
                    merged.merge(minuteAggregates.get(m));
                    double[] more = byMinute.get(m).stream().mapToDouble(AzureTrace.Request::latencyMs).toArray();
                    values = concat(values, more);
                }
            }
            if (values.length == 0) {
                continue; // a gap in the trace longer than the window
            }
            Arrays.sort(values);
            maxError = Math.max(maxError,
                    assertWithinOnePercent(values, merged.snapshot(start, start + 5 * MINUTE), "5m@" + start));
            fiveMinuteWindows++;
        }
        System.out.printf("%s: %d requests, %d one-minute and %d five-minute windows, max relative error %.4f%%%n",
                traceName, trace.size(), byMinute.size(), fiveMinuteWindows, maxError * 100);
        assertThat(byMinute.size()).isGreaterThan(10);
    }

    private static double assertWithinOnePercent(double[] sorted, MetricsSnapshot s, String window) {
        assertThat(s.latency().count()).as(window).isEqualTo(sorted.length);
        double[] fromSketch = {s.latency().p50(), s.latency().p95(), s.latency().p99()};
        double maxError = 0;
        for (int i = 0; i < QUANTILES.length; i++) {
            double exact = exactQuantile(sorted, QUANTILES[i]);
            double error = Math.abs(fromSketch[i] - exact) / exact;
            assertThat(error).as("%s q=%s sketch=%s exact=%s", window, QUANTILES[i], fromSketch[i], exact)
                    .isLessThanOrEqualTo(0.01);
            maxError = Math.max(maxError, error);
        }
        assertThat(s.latency().max()).as(window).isEqualTo(sorted[sorted.length - 1]);
        return maxError;
    }

    private static double[] concat(double[] a, double[] b) {
        double[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
