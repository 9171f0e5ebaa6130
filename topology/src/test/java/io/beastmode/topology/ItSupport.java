package io.beastmode.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beastmode.topology.config.PipelineTopics;
import org.apache.avro.specific.SpecificRecord;
import io.beastmode.clients.TopicAdmin;
import io.beastmode.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Shared plumbing of the integration tests: topics, producing with the registry serializers, reading, HTTP. */
final class ItSupport {

    private ItSupport() {
    }

    /**
     * Creates the topics with 3 partitions through {@link TopicAdmin}, which returns only once every partition's
     * leader serves it: producing to a partition whose leader is not ready yet can leave an idempotent producer stuck
     * on OUT_OF_ORDER_SEQUENCE_NUMBER until its delivery timeout, and the batch is lost (a CI run of
     * OpenWindowRestoreIT counted 92 of a window's 93 requests that way).
     */
    static void createTopics(String bootstrap, PipelineTopics topics) {
        List<Topics.TopicSpec> specs = new ArrayList<>();
        for (String t : topics.inputs()) {
            specs.add(new Topics.TopicSpec(t, "", "", 3, Map.of()));
        }
        for (String t : topics.outputs()) {
            specs.add(new Topics.TopicSpec(t, "", "", 3, Map.of()));
        }
        try (TopicAdmin admin = TopicAdmin.connect(bootstrap)) {
            admin.replicationFactor(1).ensureTopics(specs);
        }
    }

    static <T extends SpecificRecord> void send(KafkaProducer<String, byte[]> producer, String topic,
                                                        String key, T value, Serializer<T> serializer) {
        producer.send(new ProducerRecord<>(topic, null, value.get(value.getSchema().getField("eventTime").pos())
                instanceof Long t ? t : null, key, serializer.serialize(topic, value)));
    }

    static KafkaConsumer<String, byte[]> consumer(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    }

    static long sum(Map<Long, Long> m) {
        return m.values().stream().mapToLong(Long::longValue).sum();
    }

    static JsonNode get(HttpClient http, String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url + " -> " + r.body()).isEqualTo(200);
        return new ObjectMapper().readTree(r.body());
    }
}
