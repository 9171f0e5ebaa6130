package io.beastmode.simulator;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Azure LLM inference trace 2023 (Patel et al., Splitwise, ISCA 2024; CC-BY-4.0): one row per request,
 * {@code TIMESTAMP,ContextTokens,GeneratedTokens}. The timestamps carry no zone; they are read as UTC.
 */
public final class AzureTrace {
    public static final String CODE = "llm/azure-2023/AzureLLMInferenceTrace_code.csv";
    public static final String CONVERSATION = "llm/azure-2023/AzureLLMInferenceTrace_conv.csv";

    /** One request: arrival (epoch ms UTC), prompt and generated tokens. */
    public record Request(long timeMs, int contextTokens, int generatedTokens) {
    }

    // The file has 7 fractional digits; accept any count so other releases parse too.
    private static final DateTimeFormatter TIMESTAMP = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .toFormatter();

    private AzureTrace() {
    }

    /** Reads a trace file, sorted by arrival (the published files already are). */
    public static List<Request> read(TraceFiles files, String path) {
        List<Request> out = new ArrayList<>();
        try (BufferedReader r = files.reader(path)) {
            String header = r.readLine();
            if (header == null || !header.trim().equals("TIMESTAMP,ContextTokens,GeneratedTokens")) {
                throw new IllegalArgumentException(path + ": unexpected header " + header);
            }
            int lineNo = 1;
            for (String line; (line = r.readLine()) != null; ) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split(",");
                if (f.length != 3) {
                    throw new IllegalArgumentException(path + ":" + lineNo + ": expected 3 fields, got " + line);
                }
                long t = LocalDateTime.parse(f[0].trim(), TIMESTAMP).toInstant(ZoneOffset.UTC).toEpochMilli();
                out.add(new Request(t, Integer.parseInt(f[1].trim()), Integer.parseInt(f[2].trim())));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(path, e);
        }
        out.sort(Comparator.comparingLong(Request::timeMs));
        return out;
    }
}
