package io.beastmode.topology;

import io.beastmode.analytics.v1.WindowMetrics;
import io.beastmode.processors.metrics.RequestObservation;
import io.beastmode.topology.config.PipelineConfig;
import io.beastmode.topology.model.DimensionKeys;
import io.beastmode.topology.model.Observation;
import io.beastmode.topology.model.Shuffled;
import io.beastmode.topology.window.PartialWindowEmitter;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static io.beastmode.topology.TestEvents.request;
import static io.beastmode.topology.TopologyFixture.MIN;
import static io.beastmode.topology.TopologyFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two decode tasks progressing unevenly. The driver has one partition per topic, so decode task 0 is the real one
 * (events piped into the input topics) and decode task 1 is simulated by writing what it would write into the
 * repartition topic: its observations and its watermarks.
 */
class UnevenUpstreamWatermarksTest {

    private static final long GRACE = 30_000L;

    @Test
    void aTaskRacingAheadDoesNotMakeTheOtherTasksEventsLate() throws Exception {
        try (TopologyFixture f = new TopologyFixture(PipelineConfig.builder().upstreamPartitions(2)
                .watermarkIdle(Duration.ofHours(1)))) {
            TestInputTopic<String, Shuffled> task1 = repartition(f);
            f.send(request(T0 + 10_000, "code", "m1", 100).build());
            f.send(request(T0 + 10 * MIN, "code", "m1", 100).build());  // task 0 races 10 minutes ahead
            f.seeEveryInputTopic(T0 + 10 * MIN);                          // on all its topics
            assertThat(f.drainMetrics()).as("task 1 has not reported: nothing closes").isEmpty();

            // Task 1 delivers its older events now: far behind task 0's stream time, yet none is late.
            for (long t : new long[] {T0 + 20_000, T0 + 30_000, T0 + 50_000}) {
                task1.pipeInput(DimensionKeys.ALL, Shuffled.of(observation(t)), t);
            }
            task1.pipeInput(PartialWindowEmitter.WATERMARK_KEY, Shuffled.watermark(1, T0 + 50_000 - GRACE), T0);
            assertThat(f.drainMetrics()).as("low watermark T0+20s closes no window").isEmpty();

            // Task 1 passes T0+2m: windows ending at T0+1m and T0+2m close, with all four events of [T0, T0+1m).
            task1.pipeInput(PartialWindowEmitter.WATERMARK_KEY, Shuffled.watermark(1, T0 + 2 * MIN), T0);
            Map<String, WindowMetrics> out = f.drainMetrics();
            WindowMetrics first = out.get("ALL|*|" + MIN + "@" + T0);
            assertThat(first).isNotNull();
            assertThat(first.getFinal$()).isTrue();
            assertThat(first.getRequests().getCount()).isEqualTo(4);
            assertThat(out.keySet()).allMatch(k -> !k.contains("@" + (T0 + 2 * MIN)), "no window ending later");
            assertThat(f.metrics.lateRecords()).isZero();
            assertThat(f.drainDlq()).isEmpty();

            // Only when both tasks pass T0+11m does the window of task 0's T0+10m event close.
            task1.pipeInput(PartialWindowEmitter.WATERMARK_KEY, Shuffled.watermark(1, T0 + 30 * MIN), T0);
            assertThat(f.drainMetrics()).doesNotContainKey("ALL|*|" + MIN + "@" + (T0 + 10 * MIN));
            f.seeEveryInputTopic(T0 + 11 * MIN + GRACE);
            f.flushTo(T0 + 11 * MIN + GRACE);
            Map<String, WindowMetrics> last = f.drainMetrics();
            assertThat(last.get("ALL|*|" + MIN + "@" + (T0 + 10 * MIN)).getRequests().getCount()).isEqualTo(1);
            // The hopping window [T0-4m, T0+1m) merges the one closed minute it covers; [T0-3m, T0+2m) too.
            assertThat(out.get("ALL|*|" + 5 * MIN + "@" + (T0 - 4 * MIN)).getRequests().getCount()).isEqualTo(4);
            assertThat(f.metrics.lateRecords()).isZero();
        }
    }

    /**
     * Found by {@code chaos --events 1000000 --kills 5}: one decode task hours of event time ahead of another (a
     * backlog read unevenly). Window stores drop writes older than their newest write minus the retention, so the
     * far-ahead task's open window, snapshotted into the tumbling store, used to make the slower task's windows
     * unwritable; and the observation log, then a window store too, expired the slower task's observations.
     */
    @Test
    void aTaskRacingAheadByMoreThanTheStoreRetentionLosesNothingOfTheSlowerOne() throws Exception {
        try (TopologyFixture f = new TopologyFixture(PipelineConfig.builder().upstreamPartitions(2)
                .storeRetention(Duration.ofMinutes(20)).maxFutureSkew(Duration.ofHours(5))
                .watermarkIdle(Duration.ofHours(10)))) {
            TestInputTopic<String, Shuffled> task1 = repartition(f);
            f.send(request(T0 + 10_000, "code", "m1", 100).build());
            f.send(request(T0 + 3 * 60 * MIN, "code", "m1", 100).build()); // task 0: three hours ahead
            f.seeEveryInputTopic(T0 + 3 * 60 * MIN);
            f.driver.advanceWallClockTime(Duration.ofSeconds(2));           // open windows snapshotted
            // Task 1 is still in the first minutes: an observation a minute, then its watermark passes them.
            for (int m = 0; m < 12; m++) {
                long t = T0 + m * MIN + 20_000;
                task1.pipeInput(DimensionKeys.ALL, Shuffled.of(observation(t)), t);
                task1.pipeInput(PartialWindowEmitter.WATERMARK_KEY, Shuffled.watermark(1, t - GRACE), T0);
                f.driver.advanceWallClockTime(Duration.ofSeconds(2));
            }
            // Then, in one jump, past everything: 2 h 50 m of windows close at once.
            task1.pipeInput(PartialWindowEmitter.WATERMARK_KEY, Shuffled.watermark(1, T0 + 4 * 60 * MIN), T0);
            f.seeEveryInputTopic(T0 + 4 * 60 * MIN);
            f.flushTo(T0 + 4 * 60 * MIN);
            Map<String, WindowMetrics> out = f.drainMetrics();
            assertThat(out.get("ALL|*|" + MIN + "@" + T0).getRequests().getCount()).isEqualTo(2);
            for (int m = 1; m < 12; m++) {
                assertThat(out.get("ALL|*|" + MIN + "@" + (T0 + m * MIN))).as("minute %d", m)
                        .isNotNull().extracting(w -> w.getRequests().getCount()).isEqualTo(1L);
            }
            assertThat(out.get("ALL|*|" + 5 * MIN + "@" + (T0 + 5 * MIN)).getRequests().getCount()).isEqualTo(5);
            assertThat(out.get("ALL|*|" + MIN + "@" + (T0 + 180 * MIN)).getRequests().getCount()).isEqualTo(1);
            long summed = out.entrySet().stream().filter(e -> e.getKey().startsWith("ALL|*|" + MIN + "@"))
                    .mapToLong(e -> e.getValue().getRequests().getCount()).sum();
            assertThat(summed).isEqualTo(14);
            assertThat(f.metrics.lateRecords()).isZero();
        }
    }

    @Test
    void aTopicRacingAheadWithinOneTaskDoesNotMakeAnotherTopicsEventsLate() throws Exception {
        try (TopologyFixture f = new TopologyFixture(PipelineConfig.builder().watermarkIdle(Duration.ofHours(1)))) {
            // Every topic seen, then a producer batch of requests reaches the task before the older cost events of
            // the same minutes.
            f.seeEveryInputTopic(T0);
            f.send(TestEvents.cost(T0, "acme", "m1", 0.125, null).build());
            f.send(request(T0 + 10_000, "code", "m1", 100).build());
            f.send(request(T0 + 10 * MIN, "code", "m1", 100).build());
            f.send(TestEvents.cost(T0 + 1_000, "acme", "m1", 0.5, null).build());
            assertThat(f.drainMetrics()).as("the cost topic is still at T0+1s").isEmpty();
            f.send(TestEvents.cost(T0 + 20_000, "acme", "m1", 0.25, null).build());
            f.seeEveryInputTopic(T0 + 2 * MIN + GRACE);
            WindowMetrics first = f.drainMetrics().get("ALL|*|" + MIN + "@" + T0);
            assertThat(first.getRequests().getCount()).isEqualTo(1);
            assertThat(first.getCost().getSpendUsd()).isCloseTo(0.875, org.assertj.core.api.Assertions.within(1e-12));
            assertThat(f.metrics.lateRecords()).isZero();
            assertThat(f.drainDlq()).isEmpty();
        }
    }

    /**
     * The pipeline runs with {@code max.task.idle.ms=-1}: Kafka Streams processes whichever of a task's topics is
     * buffered, and at a start the first fetch may bring requests minutes ahead of the other topics' first records.
     * (TopologyTestDriver processes records in the order piped, like that.)
     */
    @Test
    void anInputTopicNotReadYetHoldsTheWindowsUntilItsFirstRecord() throws Exception {
        try (TopologyFixture f = new TopologyFixture(PipelineConfig.builder().watermarkIdle(Duration.ofHours(1)))) {
            f.send(request(T0 + 10_000, "code", "m1", 100).build());
            f.send(request(T0 + 10 * MIN, "code", "m1", 100).build());
            f.send(TestEvents.cost(T0 + 20_000, "acme", "m1", 0.5, null).build());
            assertThat(f.drainMetrics()).as("cache and selection not read yet").isEmpty();
            f.seeEveryInputTopic(T0 + 2 * MIN + GRACE);
            WindowMetrics first = f.drainMetrics().get("ALL|*|" + MIN + "@" + T0);
            assertThat(first).as("closed once every topic passed it").isNotNull();
            assertThat(first.getRequests().getCount()).isEqualTo(1);
            assertThat(first.getCost().getSpendUsd()).isCloseTo(0.5, org.assertj.core.api.Assertions.within(1e-12));
            assertThat(f.metrics.lateRecords()).isZero();
            assertThat(f.drainDlq()).isEmpty();
        }
    }

    /** Found by {@code chaos}: its cache, selection and cost topics hold only poison records. */
    @Test
    void aTopicWhoseWaitingRecordsAreAllDeadLettersStopsHoldingOnceTheyAreRead() throws Exception {
        try (TopologyFixture f = new TopologyFixture(PipelineConfig.builder().watermarkIdle(Duration.ofHours(1)))) {
            TestInputTopic<byte[], byte[]> rawCache = f.driver.createInputTopic(f.config.topics().cache(),
                    Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer());
            f.send(request(T0 + 10_000, "code", "m1", 100).build());
            f.send(TestEvents.selection(T0 + 2 * MIN + GRACE, "code", "m1",
                    io.beastmode.telemetry.v1.SelectionReason.STRATEGY, 0.9, Map.of("m1", 0.9)).build());
            f.send(TestEvents.cost(T0 + 2 * MIN + GRACE, "acme", "m1", 0.0, null).build());
            f.send(request(T0 + 2 * MIN + GRACE, "code", "m1", 100).build());
            assertThat(f.drainMetrics()).as("the cache topic not read yet").isEmpty();

            rawCache.pipeInput("poison".getBytes(java.nio.charset.StandardCharsets.UTF_8), new byte[] {7, 7, 7}, T0);
            assertThat(f.drainDlq()).hasSize(1);
            f.send(request(T0 + 2 * MIN + GRACE + 1, "code", "m1", 100).build());
            WindowMetrics first = f.drainMetrics().get("ALL|*|" + MIN + "@" + T0);
            assertThat(first).as("closed once the cache topic's only record was read").isNotNull();
            assertThat(first.getRequests().getCount()).isEqualTo(1);
            assertThat(f.metrics.lateRecords()).isZero();
        }
    }

    @Test
    void aSilentTaskStopsHoldingWindowsOpenAfterTheIdleTimeout() throws Exception {
        try (TopologyFixture f = new TopologyFixture(PipelineConfig.builder().upstreamPartitions(2)
                .watermarkIdle(Duration.ofSeconds(5)))) {
            f.send(request(T0 + 10_000, "code", "m1", 100).build());
            f.flushTo(T0 + MIN + GRACE);
            assertThat(f.drainMetrics()).as("task 1 could still send events of [T0, T0+1m)").isEmpty();
            // Idleness counts time the stream thread ran (ActiveClock): punctuations a second apart, not one jump.
            for (int i = 0; i < 6; i++) {
                f.driver.advanceWallClockTime(Duration.ofSeconds(1));
            }
            assertThat(f.drainMetrics().get("ALL|*|" + MIN + "@" + T0).getRequests().getCount()).isEqualTo(1);
        }
    }

    @Test
    void aStalledStreamThreadDoesNotMakeALiveTaskLookSilent() throws Exception {
        try (TopologyFixture f = new TopologyFixture(PipelineConfig.builder().upstreamPartitions(2)
                .watermarkIdle(Duration.ofSeconds(5)))) {
            f.send(request(T0 + 10_000, "code", "m1", 100).build());
            f.flushTo(T0 + MIN + GRACE);
            // One jump of 60 s is a thread that was blocked (a commit, a GC, a starved CPU), not 60 s of silence.
            f.driver.advanceWallClockTime(Duration.ofSeconds(60));
            assertThat(f.drainMetrics()).as("task 1 was not read, so it was not silent").isEmpty();
            for (int i = 0; i < 6; i++) {
                f.driver.advanceWallClockTime(Duration.ofSeconds(1));
            }
            assertThat(f.drainMetrics().get("ALL|*|" + MIN + "@" + T0).getRequests().getCount()).isEqualTo(1);
        }
    }

    private static TestInputTopic<String, Shuffled> repartition(TopologyFixture f) {
        return f.driver.createInputTopic(f.config.applicationId() + "-" + MetricsTopology.REPARTITION
                + "-repartition", Serdes.String().serializer(), f.serdes.shuffled().serializer());
    }

    private static Observation observation(long t) {
        return Observation.of(new RequestObservation(t, "acme", "code", "m1", false, null, 200.0, null, 10, 10));
    }
}
