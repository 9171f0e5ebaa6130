package io.beastmode.topology;

import io.beastmode.analytics.v1.Dimension;
import io.beastmode.analytics.v1.WindowMetrics;
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
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Open windows survive a restart on an empty state directory: the open aggregates live in memory and are durable only
 * through the observation log (see WindowCloseProcessor). A first instance reads requests into windows that stay
 * open and stops; a second instance with a new, empty state directory restores the stores from their changelogs,
 * rebuilds the open aggregates from the log, reads more requests into the same windows, and closes them: every final
 * one-minute ALL window counts exactly the requests of both phases, once.
 */
class OpenWindowRestoreIT {

    private static final long MIN = 60_000L;

    @Test
    void openWindowsAreRebuiltFromTheObservationLogAfterARestoreFromChangelogs() throws Exception {
        String bootstrap = BeastTestStack.bootstrapServers();
        String prefix = "restore-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        PipelineTopics topics = PipelineTopics.prefixed(prefix);
        ItSupport.createTopics(bootstrap, topics);
        PipelineConfig.Builder config = PipelineConfig.builder()
                .bootstrapServers(bootstrap)
                .schemaRegistryUrl(BeastTestStack.registryUrl())
                .applicationId(prefix + "pipeline")
                .topics(topics)
                .httpPort(-1)
                .commitInterval(Duration.ofMillis(100))
                .watermarkIdle(Duration.ofMinutes(10));
        PipelineSerdes serdes = PipelineSerdes.of(config.build());
        long base = (System.currentTimeMillis() - 3_600_000L) / MIN * MIN;
        Random random = new Random(3);
        Map<Long, Long> sentPerMinute = new HashMap<>();

        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(), new ByteArraySerializer())) {
            // Phase 1: minutes 0-2. The watermark reaches at most 3m - grace, so minutes 0 and 1 may close here and
            // minute 2 stays open across the restart.
            send(producer, topics, serdes, random, base, 0, 3 * MIN, 300, sentPerMinute);
            try (BeastPipeline first = BeastPipeline.start(config.stateDir(Files.createTempDirectory("beast-it-a"))
                    .build(), null)) {
                assertThat(first.awaitRunning(Duration.ofSeconds(60))).isTrue();
                long deadline = System.currentTimeMillis() + 60_000;
                while (first.metrics().eventsIn().values().stream().mapToLong(Long::longValue).sum() < 300
                        && System.currentTimeMillis() < deadline) {
                    Thread.sleep(100);
                }
                Thread.sleep(1_500); // the window task reads the repartition topic after the decode task, then commits
            }
            // Phase 2, on a new empty state directory: more requests into the window still open and the next ones,
            // then one request and one cost event per input partition 10 minutes later, which close minutes 2-4.
            send(producer, topics, serdes, random, base, 2 * MIN, 5 * MIN, 200, sentPerMinute);
            for (int p = 0; p < 3; p++) {
                String key = keyFor(p);
                var r = TestEvents.request(base + 10 * MIN, "code", "closer", 1.0).setRequestId(key).build();
                ItSupport.send(producer, topics.requests(), key, r, serdes.requestEvent().serializer());
                var c = TestEvents.cost(base + 10 * MIN, "closer", "closer", 0.0, null).setRequestId(key).build();
                ItSupport.send(producer, topics.cost(), key, c, serdes.costEvent().serializer());
            }
            producer.flush();
        }
        Map<Long, Long> countedPerMinute = new HashMap<>();
        try (BeastPipeline second = BeastPipeline.start(config.stateDir(Files.createTempDirectory("beast-it-b"))
                .build(), null);
             KafkaConsumer<String, byte[]> consumer = ItSupport.consumer(bootstrap)) {
            assertThat(second.awaitRunning(Duration.ofSeconds(60))).isTrue();
            consumer.subscribe(List.of(topics.metrics()));
            var deserializer = serdes.windowMetrics().deserializer();
            long deadline = System.currentTimeMillis() + 90_000;
            while (countedPerMinute.size() < sentPerMinute.size() && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, byte[]> rec : consumer.poll(Duration.ofMillis(300))) {
                    WindowMetrics m = deserializer.deserialize(topics.metrics(), rec.value());
                    if (m.getDimension() == Dimension.ALL && m.getWindowSizeMs() == MIN && m.getFinal$()) {
                        assertThat(countedPerMinute.put(m.getWindowStart(), m.getRequests().getCount()))
                                .as("one final result per window").isNull();
                    }
                }
            }
            assertThat(second.metrics().lateRecords()).isZero();
        }
        assertThat(countedPerMinute).isEqualTo(sentPerMinute);
        assertThat(ItSupport.sum(countedPerMinute)).isEqualTo(500);
    }

    private static void send(KafkaProducer<String, byte[]> producer, PipelineTopics topics, PipelineSerdes serdes,
                             Random random, long base, long from, long to, int n, Map<Long, Long> sentPerMinute) {
        long[] times = random.longs(n, from, to).sorted().toArray();
        for (long offset : times) {
            long t = base + offset;
            var e = TestEvents.request(t, random.nextBoolean() ? "code" : "conversation",
                    random.nextBoolean() ? "gpt-4" : "llama-70b", 50 + random.nextDouble() * 2000).build();
            ItSupport.send(producer, topics.requests(), e.getRequestId(), e, serdes.requestEvent().serializer());
            sentPerMinute.merge(t / MIN * MIN, 1L, Long::sum);
        }
    }

    /** A key the default partitioner puts on partition {@code p} of a 3-partition topic. */
    private static String keyFor(int p) {
        for (int i = 0; ; i++) {
            String key = "closer-" + p + "-" + i;
            if (Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % 3 == p) {
                return key;
            }
        }
    }
}
