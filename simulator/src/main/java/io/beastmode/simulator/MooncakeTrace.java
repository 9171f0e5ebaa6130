package io.beastmode.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Mooncake conversation trace (Kimi production, FAST'25; Apache-2.0): one JSON object per line with {@code timestamp}
 * (ms from the trace start), {@code input_length}, {@code output_length} and {@code hash_ids}, the hashes of the
 * prompt's 512-token blocks. A block hash covers its whole prefix, so a block seen before means the prompt up to and
 * including that block was computed before: reusable KV cache.
 */
public final class MooncakeTrace {
    public static final String CONVERSATION = "llm/mooncake/conversation_trace.jsonl";
    public static final int BLOCK_TOKENS = 512;

    public record Request(long offsetMs, int inputTokens, int outputTokens, int[] hashIds) {
    }

    private MooncakeTrace() {
    }

    public static List<Request> read(TraceFiles files, String path) {
        ObjectMapper json = new ObjectMapper();
        List<Request> out = new ArrayList<>();
        try (BufferedReader r = files.reader(path)) {
            int lineNo = 0;
            for (String line; (line = r.readLine()) != null; ) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n = json.readTree(line);
                JsonNode ids = n.path("hash_ids");
                if (!n.has("timestamp") || !n.has("input_length") || !n.has("output_length") || !ids.isArray()) {
                    throw new IllegalArgumentException(path + ":" + lineNo + ": missing timestamp/input_length/output_length/hash_ids");
                }
                int[] hashIds = new int[ids.size()];
                for (int i = 0; i < hashIds.length; i++) {
                    hashIds[i] = ids.get(i).asInt();
                }
                out.add(new Request(n.get("timestamp").asLong(), n.get("input_length").asInt(), n.get("output_length").asInt(), hashIds));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(path, e);
        }
        out.sort(Comparator.comparingLong(Request::offsetMs));
        return out;
    }
}
