package io.beastmode.topology;

import io.beastmode.analytics.v1.LatencyStats;
import io.beastmode.analytics.v1.WindowMetrics;
import io.beastmode.telemetry.v1.RequestEvent;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Accuracy over a real trace: the Azure LLM inference trace 2023 (conversation and code; arrival times and token
 * counts) replayed through the topology, latencies derived deterministically from the token counts. For every
 * emitted window (tumbling and hopping, every dimension key) p50/p95/p99 must be within 1% relative error of the exact
 * percentile of the same events.
 *
 * <p>Percentile definition (the one processors' LatencySketch targets): lower nearest rank, i.e. the value at 0-based
 * rank floor(q * (n - 1)) of the n sorted values.
 *
 * <p>Skipped when the trace is absent ({@code -Dbeast.shared.data=<dir>} with {@code llm/azure-2023/*.csv}).
 */
class TraceReplayAccuracyTest {

    private static final DateTimeFormatter TRACE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSS");
    private static final String[] MODELS = {"gpt-4", "llama-70b", "mistral-large"};

    private record Row(long t, String type, int context, int generated) {
    }

    @Test
    void everyWindowsPercentilesAreWithinOnePercentOfExact() throws Exception {
        String shared = System.getProperty("beast.shared.data");
        Assumptions.assumeTrue(shared != null, "beast.shared.data not set");
        Path dir = Path.of(shared, "llm", "azure-2023");
        Path conv = dir.resolve("AzureLLMInferenceTrace_conv.csv");
        Path code = dir.resolve("AzureLLMInferenceTrace_code.csv");
        Assumptions.assumeTrue(Files.isReadable(conv) && Files.isReadable(code), "Azure 2023 trace not found in " + dir);

        List<Row> rows = new ArrayList<>(read(conv, "conversation"));
        rows.addAll(read(code, "code"));
        rows.sort(Comparator.comparingLong(Row::t));

        // Exact values per output key, collected the way the windows group them.
        Map<String, List<Double>> exact = new HashMap<>();
        long minute = 60_000L;
        try (TopologyFixture f = new TopologyFixture()) {
            for (int i = 0; i < rows.size(); i++) {
                Row r = rows.get(i);
                String model = MODELS[Math.floorMod(mix(i), MODELS.length)];
                double latency = latency(r, model, i);
                RequestEvent e = TestEvents.request(r.t, r.type, model, latency)
                        .setInputTokens(r.context).setOutputTokens(r.generated).build();
                f.send(e);
                for (String dim : new String[]{"ALL|*", "MODEL|" + model, "REQUEST_TYPE|" + r.type,
                        "REQUEST_TYPE_MODEL|" + r.type + "|" + model}) {
                    long start = r.t / minute * minute;
                    exact.computeIfAbsent(dim + "|" + minute + "@" + start, k -> new ArrayList<>()).add(latency);
                    for (int h = 0; h < 5; h++) { // hopping 5 min by 1 min: the five windows containing t
                        exact.computeIfAbsent(dim + "|" + 5 * minute + "@" + (start - h * minute),
                                k -> new ArrayList<>()).add(latency);
                    }
                }
            }
            f.flushTo(rows.get(rows.size() - 1).t + 10 * minute);
            Map<String, WindowMetrics> out = f.drainMetrics();

            double maxError = 0;
            int windows = 0;
            long sketchBytes = 0;
            long naiveBytes = 0;
            long maxSketch = 0;
            for (Map.Entry<String, WindowMetrics> o : out.entrySet()) {
                List<Double> values = exact.get(o.getKey());
                if (values == null) {
                    continue; // the flush event's and tenant windows: not collected above
                }
                LatencyStats l = o.getValue().getLatency();
                double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                assertThat(l.getCount()).as(o.getKey()).isEqualTo(sorted.length);
                for (double q : new double[]{0.50, 0.95, 0.99}) {
                    double truth = sorted[(int) Math.floor(q * (sorted.length - 1))];
                    double got = q == 0.50 ? l.getP50() : q == 0.95 ? l.getP95() : l.getP99();
                    double error = Math.abs(got - truth) / truth;
                    maxError = Math.max(maxError, error);
                    assertThat(error).as("%s p%d: %s vs exact %s", o.getKey(), (int) (q * 100), got, truth)
                            .isLessThanOrEqualTo(0.01);
                }
                assertThat(l.getMax()).isEqualTo(sorted[sorted.length - 1]);
                windows++;
                // State size: the sketch as serialized in the record vs every value as an 8-byte double.
                long size = o.getValue().getLatencySketch().remaining();
                sketchBytes += size;
                maxSketch = Math.max(maxSketch, size);
                naiveBytes += 8L * sorted.length;
            }
            // Every minute of the trace produced a window for each collected key (the exact map has all of them).
            assertThat(windows).isEqualTo(exact.size());
            System.out.printf("trace replay: %d events, %d windows checked, max relative error of p50/p95/p99 %.4f%%%n",
                    rows.size(), windows, maxError * 100);
            System.out.printf("latency state per window and key: sketch %.0f bytes on average (max %d) vs %.0f bytes"
                    + " storing every value%n", (double) sketchBytes / windows, maxSketch, (double) naiveBytes / windows);
        }
    }

    private static List<Row> read(Path csv, String type) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            String line = in.readLine(); // header: TIMESTAMP,ContextTokens,GeneratedTokens
            while ((line = in.readLine()) != null) {
                String[] p = line.split(",");
                if (p.length < 3) {
                    continue;
                }
                long t = LocalDateTime.parse(p[0].trim(), TRACE_TIME).toInstant(ZoneOffset.UTC).toEpochMilli();
                rows.add(new Row(t, type, Integer.parseInt(p[1].trim()), Integer.parseInt(p[2].trim())));
            }
        }
        return rows;
    }

    /**
     * Deterministic latency: prefill proportional to the context, decode per generated token (model-dependent), times
     * a log-normal-like noise factor from a hash of the index, so the distribution has a realistic long tail.
     */
    private static double latency(Row r, String model, int i) {
        int m = Arrays.asList(MODELS).indexOf(model);
        double prefillMsPerToken = 0.05 + 0.03 * m;
        double decodeMsPerToken = 15 + 10 * m;
        double u1 = ((mix(i * 2L + 1) >>> 11) + 0.5) / (1L << 53);
        double u2 = ((mix(i * 2L + 2) >>> 11) + 0.5) / (1L << 53);
        double gaussian = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
        return (40 + prefillMsPerToken * r.context + decodeMsPerToken * r.generated) * Math.exp(0.3 * gaussian);
    }

    private static long mix(long x) { // splitmix64
        long z = x + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
