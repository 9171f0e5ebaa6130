package io.beastmode.topology;

import io.beastmode.analytics.v1.DeadLetter;
import io.beastmode.analytics.v1.WindowMetrics;
import io.beastmode.telemetry.v1.CacheEvent;
import io.beastmode.telemetry.v1.CostEvent;
import io.beastmode.telemetry.v1.RequestEvent;
import io.beastmode.telemetry.v1.SelectionEvent;
import io.beastmode.topology.config.PipelineConfig;
import io.beastmode.topology.config.StreamsProps;
import io.beastmode.topology.serde.PipelineSerdes;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * A TopologyTestDriver around {@link MetricsTopology} with an in-memory registry ({@code mock://}) and a pinned wall
 * clock, producing with the same registry serializers a gateway uses.
 */
final class TopologyFixture implements AutoCloseable {

    /** 2024-01-01T00:00:00Z, a minute boundary. */
    static final long T0 = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
    /** Wall clock: one hour after T0, so T0-based events are in range. */
    static final long NOW = T0 + 3_600_000L;
    static final long MIN = 60_000L;

    final PipelineConfig config;
    final PipelineSerdes serdes;
    final PipelineMetrics metrics = new PipelineMetrics();
    final TopologyTestDriver driver;
    final TestInputTopic<String, RequestEvent> requests;
    final TestInputTopic<String, CacheEvent> cache;
    final TestInputTopic<String, SelectionEvent> selection;
    final TestInputTopic<String, CostEvent> cost;
    final TestInputTopic<byte[], byte[]> rawRequests;
    final TestOutputTopic<String, WindowMetrics> metricsOut;
    final TestOutputTopic<String, WindowMetrics> finalMetricsOut;
    final TestOutputTopic<byte[], DeadLetter> dlqOut;

    TopologyFixture() throws Exception {
        this(PipelineConfig.builder().watermarkIdle(java.time.Duration.ofMillis(1)));
    }

    TopologyFixture(PipelineConfig.Builder builder) throws Exception {
        Path stateDir = Files.createTempDirectory("beast-ttd");
        config = builder
                .schemaRegistryUrl("mock://ttd-" + UUID.randomUUID())
                .applicationId("beast-ttd")
                .stateDir(stateDir)
                .cacheUsdPerMillionTokensSaved(2.0)
                .build();
        serdes = PipelineSerdes.of(config);
        Properties props = StreamsProps.of(config);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        driver = new TopologyTestDriver(MetricsTopology.build(config, metrics, () -> NOW), props,
                Instant.ofEpochMilli(NOW));
        var t = config.topics();
        var keys = Serdes.String().serializer();
        requests = driver.createInputTopic(t.requests(), keys, serdes.requestEvent().serializer());
        cache = driver.createInputTopic(t.cache(), keys, serdes.cacheEvent().serializer());
        selection = driver.createInputTopic(t.selection(), keys, serdes.selectionEvent().serializer());
        cost = driver.createInputTopic(t.cost(), keys, serdes.costEvent().serializer());
        rawRequests = driver.createInputTopic(t.requests(), Serdes.ByteArray().serializer(),
                Serdes.ByteArray().serializer());
        metricsOut = driver.createOutputTopic(t.metrics(), Serdes.String().deserializer(),
                serdes.windowMetrics().deserializer());
        finalMetricsOut = driver.createOutputTopic(t.finalMetrics(), Serdes.String().deserializer(),
                serdes.windowMetrics().deserializer());
        dlqOut = driver.createOutputTopic(t.dlq(), Serdes.ByteArray().deserializer(),
                serdes.deadLetter().deserializer());
    }

    void send(RequestEvent e) {
        tick();
        requests.pipeInput(e.getRequestId(), e, e.getEventTime());
    }

    void send(CacheEvent e) {
        tick();
        cache.pipeInput(e.getRequestId(), e, e.getEventTime());
    }

    void send(SelectionEvent e) {
        tick();
        selection.pipeInput(e.getRequestId(), e, e.getEventTime());
    }

    void send(CostEvent e) {
        tick();
        cost.pipeInput(e.getRequestId(), e, e.getEventTime());
    }

    /**
     * One wall-clock millisecond between events. With the fixture's 1 ms {@code watermark.idle} every other input
     * topic is idle at each event, so the watermark follows the largest event time of all topics (one stream time,
     * as hand-computed expectations assume); tests of the per-topic and per-task minimum set a longer idle time.
     */
    private void tick() {
        if (config.watermarkIdle().toMillis() == 1L) {
            driver.advanceWallClockTime(java.time.Duration.ofMillis(1));
        }
    }

    /**
     * One cache, selection and cost event at {@code t} (no request): with a long {@code watermark.idle}, an input
     * topic the decode task has not read yet holds its watermark back (see PartialWindowEmitter), so tests of how
     * watermarks move from then on let the task see every topic first.
     */
    void seeEveryInputTopic(long t) {
        send(TestEvents.cache(t, io.beastmode.telemetry.v1.CacheTier.EXACT, "ns",
                io.beastmode.telemetry.v1.CacheOutcome.MISS, 1.0).build());
        send(TestEvents.selection(t, "code", "m1", io.beastmode.telemetry.v1.SelectionReason.STRATEGY, 0.9,
                java.util.Map.of("m1", 0.9)).build());
        send(TestEvents.cost(t, "acme", "m1", 0.0, null).build());
    }

    /** A request event that advances stream time to {@code t} (and closes every window ending <= t - grace). */
    void flushTo(long t) {
        send(TestEvents.request(t, "flush", "flush-model", 1.0).setTenant("flush").build());
    }

    /** Metrics emitted so far, by record key; fails on a key emitted twice (windows must emit once). */
    Map<String, WindowMetrics> drainMetrics() {
        Map<String, WindowMetrics> out = new LinkedHashMap<>();
        for (TestRecord<String, WindowMetrics> r : metricsOut.readRecordsToList()) {
            if (out.put(r.key(), r.value()) != null) {
                throw new AssertionError("window emitted twice: " + r.key());
            }
        }
        return out;
    }

    List<TestRecord<byte[], DeadLetter>> drainDlq() {
        return dlqOut.readRecordsToList();
    }

    @Override
    public void close() {
        driver.close();
    }
}
