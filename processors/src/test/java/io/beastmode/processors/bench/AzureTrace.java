package io.beastmode.processors.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The Azure LLM inference trace 2023 (TIMESTAMP, ContextTokens, GeneratedTokens per request) with a synthetic but
 * deterministic latency per request: {@code (200 ms + 0.3 ms per context token + 25 ms per generated token)} times
 * log-normal noise {@code exp(0.25 * N(0,1))} from a fixed seed. The trace has no latencies of its own; this model
 * gives them the trace's real size mix and arrival pattern.
 */
public final class AzureTrace {

    public static final String CONV = "AzureLLMInferenceTrace_conv.csv";
    public static final String CODE = "AzureLLMInferenceTrace_code.csv";
    public static final long SEED = 20231116L;

    private static final DateTimeFormatter TIMESTAMP = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd HH:mm:ss")
            .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
            .toFormatter();

    /** One trace line with its modelled latency. */
    public record Request(long timestampMs, int contextTokens, int generatedTokens, double latencyMs) {
    }

    private AzureTrace() {
    }

    /**
     * The trace file, under system property {@code beast.shared.data} (set by the parent pom for tests), else
     * environment variable {@code BEAST_SHARED_DATA}, else {@code ../shared/data} from the working directory.
     */
    public static Path file(String name) {
        String dir = System.getProperty("beast.shared.data", System.getenv("BEAST_SHARED_DATA"));
        Path base = dir == null ? Path.of("..", "shared", "data") : Path.of(dir);
        return base.resolve("llm").resolve("azure-2023").resolve(name);
    }

    public static List<Request> read(Path csv) {
        Random noise = new Random(SEED);
        List<Request> requests = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(csv)) {
            String header = reader.readLine();
            if (header == null || !header.startsWith("TIMESTAMP")) {
                throw new IllegalArgumentException("not an Azure trace: " + csv);
            }
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split(",");
                long ts = LocalDateTime.parse(f[0].trim(), TIMESTAMP).toInstant(ZoneOffset.UTC).toEpochMilli();
                int context = Integer.parseInt(f[1].trim());
                int generated = Integer.parseInt(f[2].trim());
                double latency = (200 + 0.3 * context + 25 * generated) * Math.exp(0.25 * noise.nextGaussian());
                requests.add(new Request(ts, context, generated, latency));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return requests;
    }
}
