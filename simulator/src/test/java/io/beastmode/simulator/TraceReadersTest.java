package io.beastmode.simulator;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Readers against the real files (skipped when ../shared is absent) and against the bundled sample. */
class TraceReadersTest {

    private static TraceFiles full() {
        Assumptions.assumeTrue(SampleTracesTest.sharedPresent(), "shared data not present");
        return TraceFiles.directory(SimulatorOptions.defaultDataDir());
    }

    private static void assertSorted(List<Long> times) {
        for (int i = 1; i < times.size(); i++) {
            assertThat(times.get(i)).as("arrival %d", i).isGreaterThanOrEqualTo(times.get(i - 1));
        }
    }

    @Test
    void azureFullTraceHasThePublishedRowsAndTimes() {
        TraceFiles files = full();
        List<AzureTrace.Request> code = AzureTrace.read(files, AzureTrace.CODE);
        List<AzureTrace.Request> conv = AzureTrace.read(files, AzureTrace.CONVERSATION);
        assertThat(code).hasSize(8819);
        assertThat(conv).hasSize(19366);
        // First row of the code file: 2023-11-16 18:17:03.9799600,4808,10 (read as UTC).
        assertThat(code.get(0)).isEqualTo(new AzureTrace.Request(Instant.parse("2023-11-16T18:17:03.979Z").toEpochMilli(), 4808, 10));
        assertSorted(code.stream().map(AzureTrace.Request::timeMs).toList());
        assertSorted(conv.stream().map(AzureTrace.Request::timeMs).toList());
        assertThat(conv.get(conv.size() - 1).timeMs() - conv.get(0).timeMs()).isBetween(55 * 60_000L, 60 * 60_000L);
    }

    @Test
    void mooncakeFullTraceReusesAboutAThirdOfItsBlocks() {
        List<MooncakeTrace.Request> trace = MooncakeTrace.read(full(), MooncakeTrace.CONVERSATION);
        assertThat(trace).hasSize(12031);
        assertSorted(trace.stream().map(MooncakeTrace.Request::offsetMs).toList());
        // The trace's README states 36.6% block reuse for this file; recompute it from the hash ids.
        Set<Integer> seen = new HashSet<>();
        long blocks = 0;
        long reused = 0;
        for (MooncakeTrace.Request r : trace) {
            for (int id : r.hashIds()) {
                blocks++;
                if (!seen.add(id)) {
                    reused++;
                }
            }
            assertThat(r.hashIds().length).isEqualTo((r.inputTokens() + MooncakeTrace.BLOCK_TOKENS - 1) / MooncakeTrace.BLOCK_TOKENS);
        }
        assertThat((double) reused / blocks).isCloseTo(0.366, within(0.001));
    }

    @Test
    void routeLlmLabelsMatchThePublishedAccuracies() {
        List<RouteLlmQuality.Label> labels = RouteLlmQuality.read(full());
        List<RouteLlmQuality.Label> gsm8k = labels.stream().filter(l -> l.source().equals("gsm8k")).toList();
        assertThat(gsm8k).hasSize(1319);
        // RouteLLM: GSM8K 85.7% (GPT-4-1106) vs 63.8% (Mixtral).
        assertThat(gsm8k.stream().mapToDouble(RouteLlmQuality.Label::strong).average().orElseThrow()).isCloseTo(0.857, within(0.001));
        assertThat(gsm8k.stream().mapToDouble(RouteLlmQuality.Label::weak).average().orElseThrow()).isCloseTo(0.638, within(0.001));
        List<RouteLlmQuality.Label> mt = labels.stream().filter(l -> l.source().equals("mt-bench")).toList();
        assertThat(mt).hasSize(160); // 80 questions x 2 turns
        assertThat(mt.stream().mapToDouble(RouteLlmQuality.Label::strong).average().orElseThrow()).isCloseTo(0.923, within(0.002));
        assertThat(mt.stream().mapToDouble(RouteLlmQuality.Label::weak).average().orElseThrow()).isCloseTo(0.834, within(0.002));
        Map<String, List<RouteLlmQuality.Label>> pools = RouteLlmQuality.pools(labels);
        // The pools were chosen for these properties: code and long-context separate the models, conversation does not.
        assertThat(gap(pools.get("code"))).isGreaterThan(0.15);
        assertThat(gap(pools.get("long-context"))).isGreaterThan(0.15);
        // Conversation: GPT-4 553 and Mixtral 555 right of the same 598 questions.
        assertThat(Math.abs(gap(pools.get("conversation")))).isLessThan(0.005);
        assertThat(pools.get("conversation")).hasSize(234 + 193 + 171);
    }

    private static double gap(List<RouteLlmQuality.Label> pool) {
        return pool.stream().mapToDouble(l -> l.strong() - l.weak()).average().orElseThrow();
    }

    @Test
    void pricesOfTheTwoModelsComeFromGenaiPrices() {
        PriceBook book = PriceBook.read(full());
        assertThat(book.size()).isGreaterThan(1000);
        PriceBook.Price gpt4 = book.lookup(RouteLlmQuality.STRONG_MODEL, "openai");
        assertThat(gpt4.inputPerMTok()).isEqualTo(10.0);
        assertThat(gpt4.outputPerMTok()).isEqualTo(30.0);
        assertThat(gpt4.source()).isEqualTo("genai-prices openai/gpt-4-turbo");
        PriceBook.Price mixtral = book.lookup(RouteLlmQuality.WEAK_MODEL, "mistral");
        assertThat(mixtral.source()).isEqualTo("genai-prices mistral/mixtral-8x7b");
        assertThat(mixtral.cost(1_000_000, 1_000_000)).isCloseTo(1.4, within(1e-9));
        // Another provider's entry when the preferred one has none.
        assertThat(book.find(RouteLlmQuality.WEAK_MODEL, "no-such-provider")).isPresent();
        assertThat(book.find("no-such-model-xyz", "openai")).isEmpty();
    }

    @Test
    void bundledSampleReadsWithTheSameReaders() {
        TraceFiles sample = TraceFiles.sample();
        List<AzureTrace.Request> code = AzureTrace.read(sample, AzureTrace.CODE);
        List<MooncakeTrace.Request> moon = MooncakeTrace.read(sample, MooncakeTrace.CONVERSATION);
        assertSorted(code.stream().map(AzureTrace.Request::timeMs).toList());
        assertThat(moon.get(moon.size() - 1).offsetMs()).isLessThan(SampleTraceExtractor.WINDOW_MS);
        assertThat(RouteLlmQuality.read(sample)).extracting(RouteLlmQuality.Label::source).contains("mmlu", "gsm8k", "mt-bench");
        PriceBook prices = PriceBook.read(sample);
        assertThat(prices.lookup(RouteLlmQuality.STRONG_MODEL, "openai").source()).startsWith("genai-prices");
        if (SampleTracesTest.sharedPresent()) {
            // The sample is a prefix of the full trace.
            assertThat(AzureTrace.read(full(), AzureTrace.CODE).subList(0, code.size())).isEqualTo(code);
        }
    }

    @Test
    void csvReaderHandlesQuotesCommasAndLineBreaks() throws IOException {
        Csv csv = new Csv(new StringReader("a,b,c\n\"x, \"\"quoted\"\"\ny\",True,False\r\nplain,,1\n"));
        List<List<String>> rows = new ArrayList<>();
        for (List<String> r; (r = csv.next()) != null; ) {
            rows.add(r);
        }
        assertThat(rows).containsExactly(List.of("a", "b", "c"), List.of("x, \"quoted\"\ny", "True", "False"), List.of("plain", "", "1"));
        assertThat(Csv.line(rows.get(1))).isEqualTo("\"x, \"\"quoted\"\"\ny\",True,False\n");
    }

    @Test
    void missingPriceFileFallsBackToTheRecordedPrices() {
        PriceBook empty = PriceBook.read(new TraceFiles() {
            @Override
            public java.io.InputStream open(String relativePath) throws IOException {
                throw new IOException("none");
            }

            @Override
            public boolean exists(String relativePath) {
                return false;
            }

            @Override
            public List<String> list(String relativeDir, String suffix) {
                return List.of();
            }

            @Override
            public String description() {
                return "empty";
            }

            @Override
            public boolean isSample() {
                return false;
            }
        });
        assertThat(empty.lookup(RouteLlmQuality.STRONG_MODEL, "openai").outputPerMTok()).isEqualTo(30.0);
        assertThat(empty.lookup(RouteLlmQuality.WEAK_MODEL, "mistral").source()).startsWith("fallback");
    }
}
