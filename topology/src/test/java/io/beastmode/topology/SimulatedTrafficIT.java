package io.beastmode.topology;

import io.beastmode.analytics.v1.Dimension;
import io.beastmode.analytics.v1.WindowMetrics;
import io.beastmode.simulator.SimulationSummary;
import io.beastmode.simulator.SimulatorOptions;
import io.beastmode.simulator.SimulatorRunner;
import io.beastmode.stack.BeastTestStack;
import io.beastmode.topology.config.PipelineConfig;
import io.beastmode.topology.config.PipelineTopics;
import io.beastmode.topology.serde.PipelineSerdes;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway simulator (real traces: Azure arrivals and tokens, Mooncake prefix reuse, RouteLLM quality, real prices)
 * publishes through the real registry, replayed as fast as it can into 3 partitions; every request event the simulator
 * published is counted in a final ALL 1-minute window, none is late although the decode tasks of the 3 partitions
 * progress unevenly (windows close on the low watermark over all of them), and no event fails validation (the
 * validation accepts everything the simulator, i.e. a well-behaved gateway, sends).
 */
class SimulatedTrafficIT {

    private static final long MIN = 60_000L;

    @Test
    void finalWindowsCountEverySimulatedRequest() throws Exception {
        String bootstrap = BeastTestStack.bootstrapServers();
        String registry = BeastTestStack.registryUrl();
        String prefix = "sim-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        PipelineTopics topics = PipelineTopics.prefixed(prefix);
        ItSupport.createTopics(bootstrap, topics);
        PipelineConfig config = PipelineConfig.builder()
                .bootstrapServers(bootstrap)
                .schemaRegistryUrl(registry)
                .applicationId(prefix + "pipeline")
                .stateDir(Files.createTempDirectory("beast-sim"))
                .topics(topics)
                .httpPort(-1)
                .commitInterval(Duration.ofMillis(100))
                .extraStreamsProp(StreamsConfig.InternalConfig.EMIT_INTERVAL_MS_KSTREAMS_WINDOWED_AGGREGATION, "0")
                .grace(Duration.ofMinutes(2))
                .build();
        PipelineSerdes serdes = PipelineSerdes.of(config);
        // Two hours ago, so the whole replay is in the past (inside the accepted event-time range).
        Instant start = Instant.ofEpochMilli((System.currentTimeMillis() - 2 * 3_600_000L) / MIN * MIN);
        // Unpaced (speed 0): the tasks of the 3 input partitions drift apart by minutes of event time, which made
        // thousands of events "late" when each window task closed windows on its own stream time.
        SimulatorOptions options = new SimulatorOptions().bootstrapServers(bootstrap).schemaRegistry(registry)
                .topicPrefix(prefix).maxEvents(20_000).seed(7).speed(0).start(start).progress(false)
                .partitions(3).createTopics(false);
        try (BeastPipeline pipeline = BeastPipeline.start(config);
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(),
                     new ByteArraySerializer())) {
            assertThat(pipeline.awaitRunning(Duration.ofSeconds(60))).isTrue();
            SimulationSummary summary = new SimulatorRunner(options,
                    new PrintStream(OutputStream.nullOutputStream())).run();
            assertThat(summary.failed()).isZero();
            long requestsSent = summary.published().get("request");
            assertThat(requestsSent).isPositive();
            long last = summary.lastEventTime().toEpochMilli();

            // Cost events (no requests) past the last window + grace on every repartition partition close it all.
            for (int i = 0; i < 10; i++) {
                var flush = TestEvents.cost(last + 10 * MIN, "flush-" + i, "flush-" + i, 0.0, null).build();
                ItSupport.send(producer, topics.cost(), flush.getRequestId(), flush, serdes.costEvent().serializer());
            }
            producer.flush();

            // Every request is in a final ALL 1-minute window; a late-event dead letter would be a failure.
            long counted = 0;
            long windows = 0;
            long lateRequests = 0;
            try (KafkaConsumer<String, byte[]> consumer = ItSupport.consumer(bootstrap)) {
                consumer.subscribe(List.of(topics.metrics(), topics.dlq()));
                var metrics = serdes.windowMetrics().deserializer();
                var deadLetters = serdes.deadLetter().deserializer();
                long deadline = System.currentTimeMillis() + 120_000;
                while (counted + lateRequests < requestsSent && System.currentTimeMillis() < deadline) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                        if (r.topic().equals(topics.dlq())) {
                            var dl = deadLetters.deserialize(r.topic(), r.value());
                            assertThat(dl.getReason()).as(dl.getMessage()).isEqualTo("late-event");
                            if (dl.getSourceTopic().equals(topics.requests())) {
                                lateRequests++;
                            }
                            continue;
                        }
                        WindowMetrics m = metrics.deserialize(r.topic(), r.value());
                        if (m.getDimension() == Dimension.ALL && m.getWindowSizeMs() == MIN && m.getFinal$()) {
                            counted += m.getRequests().getCount();
                            windows++;
                        }
                    }
                }
            }
            System.out.printf("simulated: %d requests published; %d counted in %d final 1-minute windows, %d late "
                    + "(dead letters %s)%n", requestsSent, counted, windows, lateRequests,
                    pipeline.metrics().deadLetters());
            assertThat(lateRequests).isZero();
            assertThat(counted).isEqualTo(requestsSent);
            assertThat(pipeline.metrics().lateRecords()).isZero();
            assertThat(pipeline.metrics().deadLetters()).isEmpty();
        }
    }
}
