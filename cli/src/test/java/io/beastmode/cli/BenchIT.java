package io.beastmode.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.beastmode.stack.BeastTestStack;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code beast bench throughput} end to end on the shared test stack with a small preload: the bench's correctness
 * check passes (every preloaded request is counted once in a final one-minute ALL window) and the JSON has the
 * figures scripts read. No timing is asserted: speed figures come from running the bench, not from tests.
 */
class BenchIT {

    @Test
    void throughputBenchCountsEveryPreloadedRequestAndReportsItsFigures() throws Exception {
        InspectIT.Run r = InspectIT.beast("bench", "throughput", "--events", "3000",
                "--bootstrap-servers", BeastTestStack.bootstrapServers(),
                "--schema-registry", BeastTestStack.registryUrl(), "--timeout", "180", "--json");
        assertThat(r.rc()).as(r.err()).isZero();
        JsonNode json = Json.MAPPER.readTree(r.out());
        assertThat(json.path("events").asLong()).isEqualTo(3000);
        JsonNode check = json.path("check");
        assertThat(check.path("ok").asBoolean()).isTrue();
        assertThat(check.path("requestsPreloaded").asLong()).isPositive();
        assertThat(check.path("requestsCounted").asLong()).isEqualTo(check.path("requestsPreloaded").asLong());
        assertThat(check.path("duplicateWindows").asLong()).isZero();
        assertThat(check.path("windows").asInt()).isPositive();
        assertThat(json.path("preload").path("byKind").size()).isEqualTo(4);
        // The default load comes at the production rate, 50,000 requests/s of event time: its requests arrive
        // within a fraction of a second (at the trace's own spacing they take minutes, see the next test).
        JsonNode preload = json.path("preload");
        assertThat(preload.path("requestRate").asDouble()).isEqualTo(50_000);
        assertThat(preload.path("arrivals").asLong()).isGreaterThanOrEqualTo(check.path("requestsPreloaded").asLong());
        assertThat(preload.path("arrivalSeconds").asDouble()).isLessThan(1.0);
        assertThat(json.path("pipeline").path("numStreamThreads").asInt())
                .isEqualTo(Runtime.getRuntime().availableProcessors());
        // Each thread's CPU adds up to the total, and every task (3 partitions, 2 subtopologies) is on one thread.
        JsonNode threads = json.path("pipeline").path("streamThreads");
        assertThat(threads.size()).isEqualTo(json.path("pipeline").path("numStreamThreads").asInt());
        double sum = 0;
        java.util.List<String> tasks = new java.util.ArrayList<>();
        for (JsonNode t : threads) {
            sum += t.path("cpuSeconds").asDouble();
            t.path("activeTasks").forEach(task -> tasks.add(task.asText()));
        }
        assertThat(sum).isCloseTo(json.path("pipeline").path("streamThreadCpuSeconds").asDouble(),
                org.assertj.core.api.Assertions.within(0.01 * threads.size()));
        assertThat(tasks).containsExactlyInAnyOrder("0_0", "0_1", "0_2", "1_0", "1_1", "1_2");
        assertThat(json.path("rawConsumer").path("records").asLong()).isEqualTo(3000 + json.path("preload")
                .path("windowClosers").asLong());
        assertThat(json.path("rawConsumer").path("eventsPerSecond").asDouble()).isPositive();
        assertThat(json.path("pipeline").path("eventsPerSecond").asDouble()).isPositive();
        // Start-up is part of the run, so the rate after it is higher than the whole run's.
        double seconds = json.path("pipeline").path("seconds").asDouble();
        assertThat(json.path("pipeline").path("startupSeconds").asDouble()).isPositive().isLessThan(seconds);
        assertThat(json.path("pipeline").path("eventsPerSecondAfterStartup").asDouble())
                .isGreaterThan(json.path("pipeline").path("eventsPerSecond").asDouble());
        assertThat(json.path("pipeline").path("processingGuarantee").asText()).isEqualTo("exactly_once_v2");
        assertThat(json.path("pipeline").path("processCpuSeconds").asDouble()).isPositive();
        assertThat(json.path("pipeline").path("cpuMicrosPerEvent").asDouble()).isPositive();
        // The stream threads are part of the JVM, so their CPU is some but not all of it.
        assertThat(json.path("pipeline").path("streamThreadCpuSeconds").asDouble()).isPositive()
                .isLessThan(json.path("pipeline").path("processCpuSeconds").asDouble());
        JsonNode time = json.path("pipeline").path("streamThreadTime");
        for (String ratio : new String[] {"process-ratio", "poll-ratio", "commit-ratio", "punctuate-ratio"}) {
            assertThat(time.path(ratio).isNumber()).as(ratio + " in " + time).isTrue();
            assertThat(time.path(ratio).asDouble()).as(ratio).isBetween(0.0, 1.0);
        }
        assertThat(time.path("process-ratio").asDouble()).isPositive();
        assertThat(time.path("blockedSeconds").asDouble()).isNotNegative();
        assertThat(json.path("ratio").asDouble()).isPositive();
        assertThat(json.has("targets")).isTrue();
    }

    @Test
    void repeatedRunsInOneJvmEachUseFreshTopicsAndAreEachChecked() throws Exception {
        InspectIT.Run r = InspectIT.beast("bench", "throughput", "--events", "1500", "--runs", "2",
                "--request-rate", "0", "--stream-threads", "1",
                "--bootstrap-servers", BeastTestStack.bootstrapServers(),
                "--schema-registry", BeastTestStack.registryUrl(), "--timeout", "180", "--json");
        assertThat(r.rc()).as(r.err()).isZero();
        JsonNode runs = Json.MAPPER.readTree(r.out()).path("runs");
        assertThat(runs.size()).isEqualTo(2);
        for (JsonNode run : runs) {
            assertThat(run.path("events").asLong()).isEqualTo(1500);
            assertThat(run.path("check").path("ok").asBoolean()).isTrue();
            // Fresh topics per run: a run reading the other's events would count twice the requests.
            assertThat(run.path("check").path("requestsCounted").asLong())
                    .isEqualTo(run.path("check").path("requestsPreloaded").asLong());
            assertThat(run.path("pipeline").path("eventsPerSecond").asDouble()).isPositive();
            assertThat(run.path("pipeline").path("numStreamThreads").asInt()).isEqualTo(1);
            assertThat(run.path("pipeline").path("streamThreads").size()).isEqualTo(1);
            // The trace's own spacing, about 11 requests/s: its requests arrive over more than ten seconds.
            assertThat(run.path("preload").path("arrivalSeconds").asDouble())
                    .isGreaterThan(run.path("preload").path("arrivals").asLong() / 50.0).isGreaterThan(10.0);
        }
    }

    @Test
    void helpListsTheSubcommandAndItsEnvironmentVariables() {
        InspectIT.Run r = InspectIT.beast("bench", "throughput", "--help");
        assertThat(r.rc()).isZero();
        assertThat(r.out()).contains("--events", "BEAST_EVENTS", "--bootstrap-servers", "BEAST_BOOTSTRAP_SERVERS",
                "--json", "BEAST_JSON");
    }
}
