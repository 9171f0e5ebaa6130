package io.beastmode.topology;

import com.fasterxml.jackson.databind.JsonNode;
import io.beastmode.analytics.v1.DeadLetter;
import io.beastmode.analytics.v1.Dimension;
import io.beastmode.analytics.v1.WindowMetrics;
import io.beastmode.stack.BeastTestStack;
import io.beastmode.telemetry.v1.CacheOutcome;
import io.beastmode.telemetry.v1.CacheTier;
import io.beastmode.telemetry.v1.RequestStatus;
import io.beastmode.telemetry.v1.SelectionReason;
import io.beastmode.topology.config.PipelineConfig;
import io.beastmode.topology.config.PipelineTopics;
import io.beastmode.topology.serde.PipelineSerdes;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
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
 * The pipeline on a real KRaft broker and a real Apicurio Registry: telemetry of all four kinds plus a poison record
 * goes in; the final 1-minute ALL windows on the metrics topic and in the HTTP API count exactly the requests sent,
 * and the poison record is in the DLQ. A few cost events far past the data advance stream time so every window closes
 * (cost events, so they add no requests).
 */
class MetricsPipelineIT {

    private static final long MIN = 60_000L;
    private static final int REQUESTS = 1500;
    private static final int OTHERS = 300;

    @Test
    void metricsAppearOnTheTopicAndThroughHttpWithExactRequestCounts() throws Exception {
        String bootstrap = BeastTestStack.bootstrapServers();
        String registry = BeastTestStack.registryUrl();
        String prefix = "it-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        PipelineTopics topics = PipelineTopics.prefixed(prefix);
        ItSupport.createTopics(bootstrap, topics);
        PipelineConfig config = PipelineConfig.builder()
                .bootstrapServers(bootstrap)
                .schemaRegistryUrl(registry)
                .applicationId(prefix + "pipeline")
                .stateDir(Files.createTempDirectory("beast-it"))
                .topics(topics)
                .httpPort(0)
                .commitInterval(Duration.ofMillis(100))
                // The whole backlog is replayed at once: tasks of different input partitions run ahead of each
                // other by up to a few fetch batches, so allow that much disorder (live traffic needs far less).
                .grace(Duration.ofMinutes(5))
                // Emit closed windows on every record rather than at most once a second (engine default).
                .extraStreamsProp(StreamsConfig.InternalConfig.EMIT_INTERVAL_MS_KSTREAMS_WINDOWED_AGGREGATION, "0")
                .build();
        PipelineSerdes serdes = PipelineSerdes.of(config);

        long base = (System.currentTimeMillis() - 3_600_000L) / MIN * MIN;
        Random random = new Random(42);
        try (BeastPipeline pipeline = BeastPipeline.start(config);
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                     ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new ByteArraySerializer())) {
            assertThat(pipeline.awaitRunning(Duration.ofSeconds(60))).as("pipeline running").isTrue();

            Map<Long, Long> sentPerMinute = new HashMap<>();
            // Gateways publish in roughly event-time order: increasing times over five minutes.
            long[] times = random.longs(REQUESTS, 0, 5 * MIN).sorted().toArray();
            for (int i = 0; i < REQUESTS; i++) {
                long t = base + times[i];
                String model = random.nextBoolean() ? "gpt-4" : "llama-70b";
                var e = TestEvents.request(t, random.nextBoolean() ? "code" : "conversation", model,
                                50 + random.nextDouble() * 2000)
                        .setTenant("tenant-" + random.nextInt(4))
                        .setStatus(random.nextInt(20) == 0 ? RequestStatus.ERROR : RequestStatus.OK).build();
                ItSupport.send(producer, topics.requests(), e.getRequestId(), e, serdes.requestEvent().serializer());
                sentPerMinute.merge(t / MIN * MIN, 1L, Long::sum);
            }
            for (int i = 0; i < OTHERS; i++) {
                long t = base + i * (5 * MIN / OTHERS);
                var c = TestEvents.cache(t, CacheTier.EXACT, "app", random.nextBoolean() ? CacheOutcome.HIT
                        : CacheOutcome.MISS, random.nextDouble() * 5).build();
                ItSupport.send(producer, topics.cache(), c.getRequestId(), c, serdes.cacheEvent().serializer());
                var s = TestEvents.selection(t, "code", "gpt-4", SelectionReason.STRATEGY, 1.0,
                        Map.of("gpt-4", 1.0)).build();
                ItSupport.send(producer, topics.selection(), s.getRequestId(), s, serdes.selectionEvent().serializer());
                var k = TestEvents.cost(t, "tenant-1", "gpt-4", 0.01, 0.02).build();
                ItSupport.send(producer, topics.cost(), k.getRequestId(), k, serdes.costEvent().serializer());
            }
            producer.send(new ProducerRecord<>(topics.requests(), "poison",
                    "not avro at all".getBytes(StandardCharsets.UTF_8))).get();
            // Advance stream time on every partition of the repartition topic: ten tenants spread the copies.
            for (int i = 0; i < 10; i++) {
                var flush = TestEvents.cost(base + 15 * MIN, "flush-" + i, "flush-" + i, 0.0, null).build();
                ItSupport.send(producer, topics.cost(), flush.getRequestId(), flush, serdes.costEvent().serializer());
            }
            producer.flush();

            // 1. The metrics topic: final ALL 1-minute windows add up to the requests sent, per minute too.
            Map<Long, Long> countedPerMinute = new HashMap<>();
            try (KafkaConsumer<String, byte[]> consumer = ItSupport.consumer(bootstrap)) {
                consumer.subscribe(List.of(topics.metrics()));
                var deserializer = serdes.windowMetrics().deserializer();
                long deadline = System.currentTimeMillis() + 90_000;
                while (ItSupport.sum(countedPerMinute) < REQUESTS && System.currentTimeMillis() < deadline) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                        WindowMetrics m = deserializer.deserialize(topics.metrics(), r.value());
                        if (m.getDimension() == Dimension.ALL && m.getWindowSizeMs() == MIN && m.getFinal$()) {
                            assertThat(countedPerMinute.put(m.getWindowStart(), m.getRequests().getCount()))
                                    .as("one final result per window").isNull();
                            assertThat(r.key()).isEqualTo("ALL|*|60000@" + m.getWindowStart());
                        }
                    }
                }
            }
            assertThat(countedPerMinute).isEqualTo(sentPerMinute);
            assertThat(ItSupport.sum(countedPerMinute)).isEqualTo(REQUESTS);

            // 2. The HTTP API serves the same windows from the state store.
            HttpClient http = HttpClient.newHttpClient();
            String url = "http://127.0.0.1:" + pipeline.httpPort();
            JsonNode body = ItSupport.get(http, url + "/api/metrics/1m/ALL/*?from=" + base + "&to=" + (base + 4 * MIN));
            long httpCount = 0;
            for (JsonNode w : body.get("windows")) {
                httpCount += w.get("requests").get("count").asLong();
                assertThat(w.get("closed").asBoolean()).isTrue();
            }
            assertThat(body.get("windows")).hasSize(5);
            assertThat(httpCount).isEqualTo(REQUESTS);
            JsonNode model = ItSupport.get(http, url + "/api/metrics/tumbling/MODEL/gpt-4?from=" + base + "&to="
                    + (base + 4 * MIN));
            assertThat(model.get("windows").size()).isEqualTo(5);
            // Hopping windows (5 min by 1) are merged from the tumbling store at query time.
            JsonNode hopping = ItSupport.get(http, url + "/api/metrics/5m/ALL/*?from=" + (base - 4 * MIN) + "&to="
                    + (base + 4 * MIN));
            assertThat(hopping.get("store").asText()).isEqualTo(MetricsTopology.HOPPING_TABLE);
            assertThat(hopping.get("windows")).hasSize(9);
            for (JsonNode w : hopping.get("windows")) {
                long start = w.get("windowStart").asLong();
                long expected = 0;
                for (long m = start; m < start + 5 * MIN; m += MIN) {
                    expected += sentPerMinute.getOrDefault(m, 0L);
                }
                assertThat(w.get("requests").get("count").asLong()).as("hopping window at %d", start)
                        .isEqualTo(expected);
                assertThat(w.get("windowEnd").asLong() - start).isEqualTo(5 * MIN);
                assertThat(w.get("closed").asBoolean()).isTrue();
            }
            assertThat(ItSupport.get(http, url + "/api/health").get("state").asText()).isEqualTo("RUNNING");
            // An open window answers from the store of open windows (as of the last commit), closed=false.
            for (int i = 0; i < 3; i++) {
                var open = TestEvents.cost(base + 20 * MIN + i * 1_000L, "open-window", "gpt-4", 0.01, null).build();
                ItSupport.send(producer, topics.cost(), open.getRequestId(), open, serdes.costEvent().serializer());
            }
            producer.flush();
            String openUrl = url + "/api/metrics/1m/TENANT/open-window?from=" + (base + 20 * MIN) + "&to="
                    + (base + 20 * MIN);
            JsonNode openWindows = ItSupport.get(http, openUrl).get("windows");
            for (long deadline = System.currentTimeMillis() + 30_000; System.currentTimeMillis() < deadline
                    && (openWindows.size() == 0 || openWindows.get(0).get("cost").get("requests").asLong() < 3); ) {
                Thread.sleep(200);
                openWindows = ItSupport.get(http, openUrl).get("windows");
            }
            assertThat(openWindows).hasSize(1);
            assertThat(openWindows.get(0).get("closed").asBoolean()).isFalse();
            assertThat(openWindows.get(0).get("cost").get("requests").asLong()).isEqualTo(3);

            // 3. The poison record is a dead letter with its coordinates, and counted.
            try (KafkaConsumer<String, byte[]> consumer = ItSupport.consumer(bootstrap)) {
                consumer.subscribe(List.of(topics.dlq()));
                var deserializer = serdes.deadLetter().deserializer();
                DeadLetter poison = null;
                ConsumerRecord<String, byte[]> poisonRecord = null;
                long deadline = System.currentTimeMillis() + 30_000;
                while (poison == null && System.currentTimeMillis() < deadline) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                        poison = deserializer.deserialize(topics.dlq(), r.value());
                        poisonRecord = r;
                    }
                }
                assertThat(poison).isNotNull();
                assertThat(poison.getReason()).isEqualTo("bad-magic-byte");
                assertThat(poison.getSourceTopic()).isEqualTo(topics.requests());
                assertThat(poisonRecord.key()).isEqualTo("poison");
                assertThat(new String(poisonRecord.headers().lastHeader("beast.dlq.reason").value(),
                        StandardCharsets.UTF_8)).isEqualTo("bad-magic-byte");
                assertThat(poisonRecord.headers().lastHeader("beast.source.offset")).isNotNull();
            }
            JsonNode dlq = ItSupport.get(http, url + "/api/dlq");
            assertThat(dlq.get("deadLetters").get("bad-magic-byte").asLong()).isEqualTo(1);
            assertThat(pipeline.metrics().eventsValid().get("request")).isEqualTo(REQUESTS);
            assertThat(pipeline.metrics().lateRecords()).isZero();
        }
    }
}
