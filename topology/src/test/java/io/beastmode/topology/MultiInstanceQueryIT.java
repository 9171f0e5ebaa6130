package io.beastmode.topology;

import com.fasterxml.jackson.databind.JsonNode;
import io.beastmode.stack.BeastTestStack;
import io.beastmode.topology.config.PipelineConfig;
import io.beastmode.topology.config.PipelineTopics;
import io.beastmode.topology.serde.PipelineSerdes;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two pipeline instances of one application: a query for a key sent to the instance that does not own it is
 * forwarded to the owner (found with queryMetadataForKey), so both answer the same windows.
 */
class MultiInstanceQueryIT {

    private static final long MIN = 60_000L;

    @Test
    void aQueryToTheWrongInstanceIsForwardedToTheOwner() throws Exception {
        String bootstrap = BeastTestStack.bootstrapServers();
        String prefix = "it-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        PipelineTopics topics = PipelineTopics.prefixed(prefix);
        ItSupport.createTopics(bootstrap, topics);
        PipelineConfig.Builder common = PipelineConfig.builder()
                .bootstrapServers(bootstrap)
                .schemaRegistryUrl(BeastTestStack.registryUrl())
                .applicationId(prefix + "pipeline")
                .topics(topics)
                .commitInterval(Duration.ofMillis(100))
                .processingGuarantee(StreamsConfig.AT_LEAST_ONCE)
                // The backlog is replayed while tasks move between the instances: allow for that disorder.
                .grace(Duration.ofMinutes(5))
                .extraStreamsProp(StreamsConfig.InternalConfig.EMIT_INTERVAL_MS_KSTREAMS_WINDOWED_AGGREGATION, "0");
        // Port 0 everywhere: each instance binds a free port and advertises it as its application.server.
        PipelineConfig a = common.stateDir(Files.createTempDirectory("beast-a")).httpPort(0)
                .applicationServer("127.0.0.1:0").build();
        PipelineConfig b = common.stateDir(Files.createTempDirectory("beast-b")).httpPort(0)
                .applicationServer("127.0.0.1:0").build();
        PipelineSerdes serdes = PipelineSerdes.of(a);
        long base = (System.currentTimeMillis() - 3_600_000L) / MIN * MIN;
        List<String> models = modelsOnEveryPartition(6, 3);

        try (BeastPipeline first = BeastPipeline.start(a); BeastPipeline second = BeastPipeline.start(b);
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(),
                     new ByteArraySerializer())) {
            int[] ports = {first.httpPort(), second.httpPort()};
            assertThat(first.config().applicationServer()).isEqualTo("127.0.0.1:" + ports[0]);
            for (int i = 0; i < 120; i++) {
                var e = TestEvents.request(base + i * 1000L, "code", models.get(i % models.size()), 100 + i).build();
                ItSupport.send(producer, topics.requests(), e.getRequestId(), e, serdes.requestEvent().serializer());
            }
            producer.flush();

            // Both running and every model's windows present somewhere.
            HttpClient http = HttpClient.newHttpClient();
            long deadline = System.currentTimeMillis() + 90_000;
            boolean ready = false;
            while (!ready && System.currentTimeMillis() < deadline) {
                Thread.sleep(500);
                ready = first.streams().state() == KafkaStreams.State.RUNNING
                        && second.streams().state() == KafkaStreams.State.RUNNING
                        && first.metrics().eventsValid().getOrDefault("request", 0L)
                        + second.metrics().eventsValid().getOrDefault("request", 0L) >= 120;
            }
            assertThat(ready).as("both instances running and all events processed").isTrue();
            // Partitions must be split: otherwise nothing is forwarded and the test proves nothing.
            assertThat(first.streams().metadataForLocalThreads().stream()
                    .mapToInt(t -> t.activeTasks().size()).sum()).isPositive();
            assertThat(second.streams().metadataForLocalThreads().stream()
                    .mapToInt(t -> t.activeTasks().size()).sum()).isPositive();

            // Rebalances while both instances join move tasks (and replay from the last commit), so answers converge
            // rather than being right at once: poll until both instances agree and counts are complete.
            Map<String, JsonNode[]> answers = new java.util.HashMap<>();
            deadline = System.currentTimeMillis() + 60_000;
            boolean converged = false;
            while (!converged && System.currentTimeMillis() < deadline) {
                converged = true;
                for (String model : models) {
                    String path = "/api/metrics/1m/MODEL/" + model + "?from=" + base + "&to=" + (base + 2 * MIN);
                    JsonNode fromA = ItSupport.get(http, "http://127.0.0.1:" + ports[0] + path).get("windows");
                    JsonNode fromB = ItSupport.get(http, "http://127.0.0.1:" + ports[1] + path).get("windows");
                    answers.put(model, new JsonNode[]{fromA, fromB});
                    converged &= fromA.equals(fromB) && count(fromA) == expected(model, models);
                }
                if (!converged) {
                    Thread.sleep(500);
                }
            }
            int forwarded = 0;
            for (String model : models) {
                JsonNode[] ab = answers.get(model);
                assertThat(ab[0]).as(model).isEqualTo(ab[1]);
                assertThat(count(ab[0])).as(model).isEqualTo(expected(model, models));
                KeyQueryMetadata md = first.streams().queryMetadataForKey(MetricsTopology.STORE_TUMBLING,
                        "MODEL|" + model, Serdes.String().serializer());
                if (md.activeHost().port() != ports[0]) {
                    forwarded++;
                }
            }
            assertThat(first.metrics().lateRecords() + second.metrics().lateRecords()).isZero();
            // The keys cover all 3 partitions and each instance owns at least one: both local and forwarded answers.
            assertThat(forwarded).isBetween(1, models.size() - 1);
        }
    }

    /** Model names whose MODEL keys hash to every one of the repartition topic's partitions (default partitioner). */
    private static List<String> modelsOnEveryPartition(int count, int partitions) {
        java.util.Set<Integer> covered = new java.util.HashSet<>();
        java.util.List<String> models = new java.util.ArrayList<>();
        for (int i = 0; models.size() < count || covered.size() < partitions; i++) {
            String model = "m-" + i;
            int p = org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(
                    ("MODEL|" + model).getBytes(java.nio.charset.StandardCharsets.UTF_8))) % partitions;
            if (covered.add(p) || models.size() < count - (partitions - covered.size())) {
                models.add(model);
            }
        }
        return models;
    }

    private static long count(JsonNode windows) {
        long n = 0;
        for (JsonNode w : windows) {
            n += w.get("requests").get("count").asLong();
        }
        return n;
    }

    /** Events go round-robin over the models. */
    private static long expected(String model, List<String> models) {
        return 120 / models.size() + (models.indexOf(model) < 120 % models.size() ? 1 : 0);
    }
}
