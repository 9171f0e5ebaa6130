package io.beastmode.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Cuts the bundled sample ({@code src/main/resources/sample-traces}) out of the full shared data, deterministically:
 * the first 20 minutes of both Azure files and of Mooncake (raw lines), the first rows of every RouteLLM subject the
 * quality pools use (correctness columns, prompts kept, long model responses dropped), the MT-Bench judge scores
 * without the judged texts, the genai-prices entries of our two models, and the four licenses.
 *
 * <p>Regenerate with {@code mvn -o -pl simulator test -Dtest=SampleTracesTest -Dbeast.sample.regenerate=true}, or run
 * {@link #main} with the shared data root and the output directory.
 */
public final class SampleTraceExtractor {
    static final long WINDOW_MS = 20 * 60_000L;
    static final int MMLU_ROWS = 100;
    static final int GSM8K_ROWS = 300;
    static final List<String> LICENSES = List.of("llm/azure-2023/LICENSE", "llm/mooncake/LICENSE-APACHE",
            "llm/routellm/LICENSE", "llm/genai-prices/LICENSE");

    private final TraceFiles shared;
    private final Path out;
    private final Set<String> written = new TreeSet<>();

    private SampleTraceExtractor(Path sharedData, Path out) {
        this.shared = TraceFiles.directory(sharedData);
        this.out = out;
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: SampleTraceExtractor SHARED_DATA_DIR OUT_DIR");
            System.exit(2);
        }
        System.out.println("wrote " + extract(Path.of(args[0]), Path.of(args[1])));
    }

    /** Writes the sample under {@code out} and returns the relative paths written (also listed in index.txt). */
    public static Set<String> extract(Path sharedData, Path out) throws IOException {
        SampleTraceExtractor x = new SampleTraceExtractor(sharedData, out);
        x.azure();
        x.mooncake();
        x.routeLlm();
        x.prices();
        for (String license : LICENSES) {
            x.copy(license);
        }
        Files.writeString(out.resolve("index.txt"), String.join("\n", x.written) + "\n", StandardCharsets.UTF_8);
        return x.written;
    }

    private void azure() throws IOException {
        long start = Math.min(AzureTrace.read(shared, AzureTrace.CODE).get(0).timeMs(),
                AzureTrace.read(shared, AzureTrace.CONVERSATION).get(0).timeMs());
        for (String path : List.of(AzureTrace.CODE, AzureTrace.CONVERSATION)) {
            List<AzureTrace.Request> parsed = AzureTrace.read(shared, path);
            List<String> lines = Files.readAllLines(sharedPath(path), StandardCharsets.UTF_8);
            List<String> keep = new ArrayList<>();
            keep.add(lines.get(0));
            // Rows are in time order (checked by the reader test), so parsed row i is line i+1.
            for (int i = 0; i < parsed.size() && parsed.get(i).timeMs() < start + WINDOW_MS; i++) {
                keep.add(lines.get(i + 1));
            }
            write(path, String.join("\n", keep) + "\n");
        }
    }

    private void mooncake() throws IOException {
        ObjectMapper json = new ObjectMapper();
        StringBuilder b = new StringBuilder();
        try (BufferedReader r = shared.reader(MooncakeTrace.CONVERSATION)) {
            for (String line; (line = r.readLine()) != null; ) {
                if (!line.isBlank() && json.readTree(line).get("timestamp").asLong() < WINDOW_MS) {
                    b.append(line).append('\n');
                }
            }
        }
        write(MooncakeTrace.CONVERSATION, b.toString());
    }

    private void routeLlm() throws IOException {
        Set<String> subjects = new TreeSet<>();
        RouteLlmQuality.POOLS.values().forEach(subjects::addAll);
        for (String path : shared.list(RouteLlmQuality.MMLU_DIR, ".csv")) {
            String name = path.substring(path.lastIndexOf('/') + 1);
            if (subjects.contains(name.substring("mmlu_".length(), name.length() - ".csv".length()))) {
                csvHead(path, MMLU_ROWS, List.of("prompt", "mistralai/Mixtral-8x7B-Instruct-v0.1", "gpt-4-1106-preview"));
            }
        }
        csvHead(RouteLlmQuality.GSM8K, GSM8K_ROWS, List.of("prompt", "mistralai/Mixtral-8x7B-Instruct-v0.1", "gpt-4-1106-preview"));
        ObjectMapper json = new ObjectMapper();
        StringBuilder b = new StringBuilder();
        try (BufferedReader r = shared.reader(RouteLlmQuality.MT_BENCH)) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank()) {
                    continue;
                }
                ObjectNode n = (ObjectNode) json.readTree(line);
                n.remove(List.of("user_prompt", "judgment")); // the judged texts are most of the bytes; scores suffice
                b.append(json.writeValueAsString(n)).append('\n');
            }
        }
        write(RouteLlmQuality.MT_BENCH, b.toString());
    }

    private void csvHead(String path, int rows, List<String> columns) throws IOException {
        StringBuilder b = new StringBuilder();
        try (BufferedReader r = shared.reader(path)) {
            Csv csv = new Csv(r);
            List<String> header = csv.next();
            int[] idx = columns.stream().mapToInt(header::indexOf).toArray();
            b.append(Csv.line(columns));
            int n = 0;
            for (List<String> f; n < rows && (f = csv.next()) != null; n++) {
                List<String> keep = new ArrayList<>();
                for (int i : idx) {
                    keep.add(f.get(i));
                }
                b.append(Csv.line(keep));
            }
        }
        write(path, b.toString());
    }

    private void prices() throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode root = json.readTree(Files.readAllBytes(sharedPath(PriceBook.PATH)));
        ArrayNode keep = json.createArrayNode();
        for (JsonNode provider : root) {
            ArrayNode models = json.createArrayNode();
            for (JsonNode m : provider.path("models")) {
                if (PriceBook.matches(m.path("match"), RouteLlmQuality.STRONG_MODEL)
                        || PriceBook.matches(m.path("match"), RouteLlmQuality.WEAK_MODEL)) {
                    models.add(m);
                }
            }
            if (!models.isEmpty()) {
                ObjectNode p = json.createObjectNode();
                p.put("id", provider.path("id").asText());
                p.put("name", provider.path("name").asText());
                p.set("models", models);
                keep.add(p);
            }
        }
        write(PriceBook.PATH, json.writerWithDefaultPrettyPrinter().writeValueAsString(keep) + "\n");
    }

    private void copy(String path) throws IOException {
        write(path, Files.readString(sharedPath(path), StandardCharsets.UTF_8));
    }

    private Path sharedPath(String relative) {
        String description = shared.description();
        return Path.of(description.substring("full data at ".length())).resolve(relative);
    }

    private void write(String relative, String content) throws IOException {
        Path target = out.resolve(relative);
        Files.createDirectories(target.getParent());
        try (Writer w = Files.newBufferedWriter(target, StandardCharsets.UTF_8)) {
            w.write(content);
        }
        written.add(relative);
    }
}
