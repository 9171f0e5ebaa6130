package io.beastmode.proposals;

import io.beastmode.processors.metrics.MetricsSnapshot.QualityStat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * REROUTE on real per-question correctness: RouteLLM's MMLU answers of GPT-4-1106 and Mixtral-8x7B
 * (lm-sys/RouteLLM, Apache-2.0), read from {@code beast.shared.data}; skipped when the data is absent.
 */
class RouteLlmRerouteTest {

    static final String GPT4 = "gpt-4-1106-preview";
    static final String MIXTRAL = "mistralai/Mixtral-8x7B-Instruct-v0.1";

    /** Per MMLU subject: {questions, gpt-4 correct, mixtral correct}. */
    private static final Map<String, long[]> SUBJECTS = new TreeMap<>();

    @BeforeAll
    static void load() throws IOException {
        String root = System.getProperty("beast.shared.data");
        Path dir = root == null ? null : Path.of(root, "llm/routellm/routellm/evals/mmlu/responses");
        assumeTrue(dir != null && Files.isDirectory(dir), "RouteLLM data not present");
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".csv")).sorted().toList()) {
                List<List<String>> rows = csv(Files.readString(f, StandardCharsets.UTF_8));
                int gpt4 = rows.get(0).indexOf(GPT4);
                int mixtral = rows.get(0).indexOf(MIXTRAL);
                long[] counts = new long[3];
                for (List<String> row : rows.subList(1, rows.size())) {
                    counts[0]++;
                    counts[1] += "True".equals(row.get(gpt4)) ? 1 : 0;
                    counts[2] += "True".equals(row.get(mixtral)) ? 1 : 0;
                }
                SUBJECTS.put(f.getFileName().toString().replace(".csv", ""), counts);
            }
        }
    }

    /** RFC 4180 rows: quoted fields may hold commas, newlines and doubled quotes. */
    static List<List<String>> csv(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                row.add(field.toString());
                field.setLength(0);
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                row.add(field.toString());
                field.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
            } else {
                field.append(c);
            }
        }
        if (field.length() > 0 || !row.isEmpty()) {
            row.add(field.toString());
            rows.add(row);
        }
        return rows;
    }

    /** One window where GPT-4 serves 80% of the type and both models' answers to every question are judged. */
    private static List<Proposal> judge(String requestType, long[] counts) {
        ProposalEngine engine = new ProposalEngine(ProposalConfig.defaults());
        // List prices per request of a typical MMLU prompt: GPT-4-1106 about 50x Mixtral.
        engine.onWindow(Dimension.MODEL, GPT4, Snap.window(0).cost(1000, 10.0).build());
        engine.onWindow(Dimension.MODEL, MIXTRAL, Snap.window(0).cost(1000, 0.2).build());
        long n = counts[0];
        return engine.onWindow(Dimension.REQUEST_TYPE, requestType, Snap.window(0).quality(
                Map.of(GPT4, new QualityStat(n, (double) counts[1] / n, counts[1]),
                        MIXTRAL, new QualityStat(n, (double) counts[2] / n, counts[2])),
                Map.of(GPT4, 4 * n, MIXTRAL, n)).build());
    }

    @Test
    void wholeMmluIsNotReroutedToMixtral() {
        long[] all = new long[3];
        SUBJECTS.values().forEach(c -> {
            for (int i = 0; i < 3; i++) {
                all[i] += c[i];
            }
        });
        // The published figures: 14,042 questions, 80.6% vs 68.1%.
        assertThat(all[0]).isEqualTo(14_042);
        assertThat(Math.round(1000.0 * all[1] / all[0])).isEqualTo(806);
        assertThat(Math.round(1000.0 * all[2] / all[0])).isEqualTo(681);
        assertThat(judge("mmlu", all)).isEmpty();
    }

    @Test
    void subjectWhereMixtralIsAsGoodIsRerouted() {
        // World religions: Mixtral 154/171 against GPT-4 147/171; non-inferior with a 0.02 margin (z about 1.74).
        long[] religions = SUBJECTS.get("mmlu_world_religions");
        assertThat(religions[2]).isGreaterThan(religions[1]);
        assertThat(judge("mmlu_world_religions", religions)).singleElement().satisfies(p -> {
            assertThat(p.parameters()).containsEntry("fromModel", GPT4).containsEntry("toModel", MIXTRAL);
            assertThat(p.confidence().pValue()).isLessThan(0.05);
        });
    }

    @Test
    void subjectsWhereGpt4IsClearlyBetterAreNotRerouted() {
        for (String subject : List.of("mmlu_college_medicine", "mmlu_professional_law", "mmlu_high_school_biology")) {
            long[] c = SUBJECTS.get(subject);
            assertThat(c[1]).as(subject).isGreaterThan(c[2]);
            assertThat(judge(subject, c)).as(subject).isEmpty();
        }
    }
}
