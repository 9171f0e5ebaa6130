package io.beastmode.simulator;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The bundled sample is small, complete, and exactly what the extractor cuts from the shared data. */
class SampleTracesTest {
    static final Path SHARED = SimulatorOptions.defaultDataDir();
    static final Path BUNDLED = Path.of("src/main/resources/sample-traces");

    static boolean sharedPresent() {
        return Files.isRegularFile(SHARED.resolve(TraceFiles.MARKER));
    }

    @Test
    void bundledSampleIsReproducibleFromTheSharedData(@TempDir Path tmp) throws IOException {
        Assumptions.assumeTrue(sharedPresent(), "shared data not present at " + SHARED);
        if (Boolean.getBoolean("beast.sample.regenerate")) {
            Set<String> written = SampleTraceExtractor.extract(SHARED, BUNDLED);
            System.out.println("regenerated " + written.size() + " sample files under " + BUNDLED.toAbsolutePath());
        }
        Set<String> files = SampleTraceExtractor.extract(SHARED, tmp);
        assertThat(Files.readString(BUNDLED.resolve("index.txt"))).isEqualTo(Files.readString(tmp.resolve("index.txt")));
        for (String f : files) {
            try (InputStream bundled = getClass().getClassLoader().getResourceAsStream(TraceFiles.SAMPLE_ROOT + f)) {
                assertThat(bundled).as("bundled " + f).isNotNull();
                assertThat(new String(bundled.readAllBytes(), StandardCharsets.UTF_8)).as(f)
                        .isEqualTo(Files.readString(tmp.resolve(f), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void sampleIsAFewMegabytesAtMostAndAttributed() throws IOException {
        long bytes;
        try (Stream<Path> all = Files.walk(BUNDLED)) {
            bytes = all.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
        assertThat(bytes).isLessThan(4L * 1024 * 1024);
        String readme = Files.readString(BUNDLED.resolve("README.md"));
        assertThat(readme).contains("CC-BY-4.0", "Splitwise", "Apache-2.0", "MIT", "b469a113cedca53ddc3bdea71a143dc4b7d8700c",
                "3b5a594133958449a1feaf1c9e0fc1b553e34a28", "0b64fdafe049e596a3f5657c219329f24af24198",
                "47df840a5ab10bbcffb8e5ac01b9899032245d1b");
    }

    @Test
    void sampleLoadsAsACompleteDataSet() {
        TraceData data = TraceData.load(TraceFiles.sample());
        assertThat(data.source().isSample()).isTrue();
        assertThat(data.traceEndMs() - data.traceStartMs()).isLessThanOrEqualTo(SampleTraceExtractor.WINDOW_MS);
        assertThat(data.code()).hasSizeGreaterThan(1000);
        assertThat(data.conversation()).hasSizeGreaterThan(1000);
        assertThat(data.longContext()).hasSizeGreaterThan(1000);
        assertThat(data.qualityPools()).containsOnlyKeys("code", "conversation", "long-context")
                .allSatisfy((type, labels) -> assertThat(labels).hasSizeGreaterThan(200));
        assertThat(data.prices().find(RouteLlmQuality.STRONG_MODEL, "openai")).isPresent();
        assertThat(data.prices().find(RouteLlmQuality.WEAK_MODEL, "mistral")).isPresent();
    }

    @Test
    void theSampleReplaysInLapsWithValidEvents() {
        TraceData data = TraceData.load(TraceFiles.sample());
        GatewaySimulator sim = new GatewaySimulator(data, new SimulatorOptions().maxEvents(120_000));
        io.beastmode.clients.EventValidator validator = new io.beastmode.clients.EventValidator(
                io.beastmode.clients.EventValidator.DEFAULT_MIN_EVENT_TIME, java.time.Duration.ofDays(3650), java.time.Clock.systemUTC());
        long last = Long.MIN_VALUE;
        long count = 0;
        while (sim.hasNext()) {
            SimEvent e = sim.next();
            validator.validate(e.record());
            assertThat(e.eventTime()).isGreaterThanOrEqualTo(last);
            last = e.eventTime();
            count++;
        }
        assertThat(count).isEqualTo(120_000);
        assertThat(sim.requestsGenerated()).isGreaterThan(data.requests()); // a second pass began
        assertThat(last - data.traceStartMs()).isGreaterThan(SampleTraceExtractor.WINDOW_MS);
    }
}
