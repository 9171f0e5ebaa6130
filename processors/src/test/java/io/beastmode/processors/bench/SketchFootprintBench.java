package io.beastmode.processors.bench;

import io.beastmode.processors.metrics.LatencySketch;
import io.beastmode.processors.metrics.RequestObservation;
import io.beastmode.processors.metrics.WindowAggregate;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * State footprint per window and key: the serialized latency sketch (store form and the protobuf form emitted on
 * beast.metrics.v1) and the whole request-family WindowAggregate, next to storing every value exactly (a serialized
 * double[]: 4-byte length + 8 bytes per value). Windows are 1-minute and 5-minute tumbling over each Azure 2023 trace,
 * all requests under one key (the ALL dimension). Not a timed benchmark; run with
 * {@code mvn -q -o -pl processors test-compile org.codehaus.mojo:exec-maven-plugin:3.5.0:java
 * -Dexec.mainClass=io.beastmode.processors.bench.SketchFootprintBench -Dexec.classpathScope=test}
 * (arguments: trace file names under llm/azure-2023; {@code -q} prints the summary only).
 */
public final class SketchFootprintBench {

    private static final long MINUTE = 60_000;

    private SketchFootprintBench() {
    }

    public static void main(String[] args) {
        boolean quiet = List.of(args).contains("-q");
        List<String> traces = List.of(args).stream().filter(a -> !a.equals("-q")).toList();
        if (traces.isEmpty()) {
            traces = List.of(AzureTrace.CONV, AzureTrace.CODE);
        }
        for (String name : traces) {
            Path csv = AzureTrace.file(name);
            if (!Files.isReadable(csv)) {
                System.out.println("skipping " + name + ": " + csv.toAbsolutePath() + " not readable");
                continue;
            }
            List<AzureTrace.Request> trace = AzureTrace.read(csv);
            for (long size : new long[]{MINUTE, 5 * MINUTE}) {
                report(name, trace, size, quiet);
            }
        }
    }

    private static void report(String name, List<AzureTrace.Request> trace, long sizeMs, boolean quiet) {
        Map<Long, WindowState> windows = new TreeMap<>();
        for (AzureTrace.Request r : trace) {
            windows.computeIfAbsent(Math.floorDiv(r.timestampMs(), sizeMs) * sizeMs, s -> new WindowState()).add(r);
        }
        System.out.printf("%n%s, %d-minute windows, key ALL (%d windows, %d requests)%n", name, sizeMs / MINUTE,
                windows.size(), trace.size());
        if (!quiet) {
            System.out.printf("%-15s %7s %12s %12s %14s %12s %8s%n", "windowStart", "values", "sketchBytes",
                    "protoBytes", "aggregateBytes", "exactBytes", "ratio");
        }
        Stats sketch = new Stats();
        Stats proto = new Stats();
        Stats aggregate = new Stats();
        Stats exact = new Stats();
        windows.forEach((start, w) -> {
            int s = w.sketch.toBytes().length;
            int p = w.sketch.toProtoBytes().length;
            int a = w.aggregate.toBytes().length;
            int e = exactBytes(w.values, w.count);
            sketch.add(s);
            proto.add(p);
            aggregate.add(a);
            exact.add(e);
            if (!quiet) {
                System.out.printf("%-15d %7d %12d %12d %14d %12d %7.1fx%n", start, w.count, s, p, a, e, (double) e / s);
            }
        });
        System.out.printf("%-22s %10s %10s %14s%n", "", "avg bytes", "max bytes", "exact/this avg");
        for (Map.Entry<String, Stats> e : Map.of("latency sketch", sketch, "sketch protobuf", proto,
                "WindowAggregate", aggregate, "exact double[]", exact).entrySet().stream()
                .sorted(Map.Entry.comparingByKey()).toList()) {
            System.out.printf("%-22s %10.1f %10d %13.1fx%n", e.getKey(), e.getValue().mean(), e.getValue().max,
                    exact.mean() / e.getValue().mean());
        }
    }

    /** Size of the naive exact store: the window's values as a serialized double[]. */
    private static int exactBytes(double[] values, int n) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(4 + 8 * n);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(n);
            for (int i = 0; i < n; i++) {
                out.writeDouble(values[i]);
            }
            out.flush();
            return bytes.size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final class WindowState {
        final LatencySketch sketch = new LatencySketch();
        final WindowAggregate aggregate = new WindowAggregate();
        double[] values = new double[64];
        int count;

        void add(AzureTrace.Request r) {
            sketch.add(r.latencyMs());
            aggregate.addRequest(new RequestObservation(r.timestampMs(), "azure", "conv", "m", false, null,
                    r.latencyMs(), null, r.contextTokens(), r.generatedTokens()));
            if (count == values.length) {
                values = java.util.Arrays.copyOf(values, count * 2);
            }
            values[count++] = r.latencyMs();
        }
    }

    private static final class Stats {
        long total;
        long n;
        int max;

        void add(int bytes) {
            total += bytes;
            n++;
            max = Math.max(max, bytes);
        }

        double mean() {
            return n == 0 ? 0 : (double) total / n;
        }
    }
}
