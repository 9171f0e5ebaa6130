package io.beastmode.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code beast demo} end to end on its embedded default: its own broker and registry, topics, the pipeline and a
 * short replay of the real traces; the summary must account for every event and show metric windows.
 */
class DemoIT {

    @Test
    void embeddedDemoReplaysTracesThroughThePipeline() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = BeastCli.execute(new PrintWriter(out, true), new PrintWriter(err, true),
                "demo", "--max-events", "8000", "--speed", "0", "--json", "--drain-timeout", "120", "--http-port", "-1");
        assertThat(rc).as("exit code; stderr:\n" + err).isZero();
        JsonNode summary = Json.MAPPER.readTree(out.toString());
        long published = 0;
        for (String kind : List.of("request", "cache", "selection", "cost")) {
            long n = summary.path("eventsPublished").path(kind).asLong();
            assertThat(n).as("published " + kind).isPositive();
            // Everything sent was read by the pipeline: the summary's two columns agree per kind.
            assertThat(summary.path("eventsIn").path(kind).asLong()).as("pipeline in " + kind).isEqualTo(n);
            published += n;
        }
        assertThat(published).isEqualTo(8000);
        assertThat(summary.path("replayCompleted").asBoolean()).isTrue();
        assertThat(summary.path("pipelineCaughtUp").asBoolean()).isTrue();
        // Windows close as event time advances through the replay, so some must have been emitted and committed.
        assertThat(summary.path("metricWindowsEmitted").asLong()).isPositive();
        assertThat(summary.path("deadLetters").asLong()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void againstAnExistingClusterEachRunCountsOnlyItsOwnReplay() throws Exception {
        String bootstrap = io.beastmode.stack.BeastTestStack.bootstrapServers();
        String registry = io.beastmode.stack.BeastTestStack.registryUrl();
        for (int run = 1; run <= 2; run++) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int rc = BeastCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), "demo",
                    "--bootstrap-servers", bootstrap, "--schema-registry", registry,
                    "--max-events", "3000", "--speed", "0", "--json", "--drain-timeout", "120", "--http-port", "-1");
            assertThat(rc).as("run " + run + " exit code; stderr:\n" + err).isZero();
            JsonNode summary = Json.MAPPER.readTree(out.toString());
            long in = 0;
            for (String kind : List.of("request", "cache", "selection", "cost")) {
                // The second run must not re-read the first run's events still on the topics.
                assertThat(summary.path("eventsIn").path(kind).asLong()).as("run " + run + " pipeline in " + kind)
                        .isEqualTo(summary.path("eventsPublished").path(kind).asLong());
                in += summary.path("eventsIn").path(kind).asLong();
            }
            assertThat(in).isEqualTo(3000);
        }
    }
}
