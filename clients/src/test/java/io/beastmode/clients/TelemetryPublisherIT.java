package io.beastmode.clients;

import io.beastmode.schemas.Topics;
import io.beastmode.serde.BeastAvroDeserializer;
import io.beastmode.serde.BeastSerdeConfig;
import io.beastmode.stack.BeastTestStack;
import io.beastmode.telemetry.v1.CacheEvent;
import io.beastmode.telemetry.v1.CostEvent;
import io.beastmode.telemetry.v1.RequestEvent;
import io.beastmode.telemetry.v1.SelectionEvent;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class TelemetryPublisherIT {

    @Test
    void allFourKindsRoundTripThroughTheRealBrokerAndRegistry() throws Exception {
        String prefix = "tp-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        Map<Class<? extends SpecificRecord>, String> topicOf = Map.of(
                RequestEvent.class, prefix + Topics.REQUESTS, CacheEvent.class, prefix + Topics.CACHE,
                SelectionEvent.class, prefix + Topics.SELECTION, CostEvent.class, prefix + Topics.COST);
        try (TopicAdmin admin = TopicAdmin.connect(BeastTestStack.bootstrapServers())) {
            admin.ensureTopics(Topics.all(3).stream().filter(s -> Topics.inputs().contains(s.name()))
                    .map(s -> new Topics.TopicSpec(prefix + s.name(), s.valueType(), s.keyDescription(), 3, s.configs())).toList());
        }
        TelemetryPublisher.Builder builder = TelemetryPublisher.builder().bootstrapServers(BeastTestStack.bootstrapServers())
                .registryUrl(BeastTestStack.registryUrl()).maxFutureSkew(Duration.ofDays(3650));
        topicOf.forEach(builder::topic);

        Map<String, List<SpecificRecord>> sent = new HashMap<>();
        List<CompletableFuture<RecordMetadata>> futures = new ArrayList<>();
        try (TelemetryPublisher publisher = builder.build()) {
            for (int i = 0; i < 25; i++) {
                String id = "req-" + i;
                for (SpecificRecord e : List.<SpecificRecord>of(TestEvents.request(id).setLatencyMs(400 + i).build(),
                        TestEvents.cache(id).build(), TestEvents.selection(id).build(), TestEvents.cost(id).setCostUsd(0.001 * i).build())) {
                    futures.add(publisher.publish(e, null));
                    sent.computeIfAbsent(topicOf.get(e.getClass()), t -> new ArrayList<>()).add(e);
                }
            }
            publisher.flush();
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get();
            assertThat(publisher.stats().sent()).isEqualTo(100);
            assertThat(publisher.stats().failed()).isZero();
            topicOf.values().forEach(t -> assertThat(publisher.stats().sent(t)).isEqualTo(25));
        }

        for (Map.Entry<Class<? extends SpecificRecord>, String> kind : topicOf.entrySet()) {
            List<ConsumerRecord<String, SpecificRecord>> records = consume(kind.getValue(), kind.getKey(), 25);
            assertThat(records).extracting(ConsumerRecord::value).containsExactlyInAnyOrderElementsOf(sent.get(kind.getValue()));
            assertThat(records).allSatisfy(r -> assertThat(r.key()).isEqualTo(requestIdOf(r.value())));
        }
    }

    private static String requestIdOf(SpecificRecord r) {
        return r.get(r.getSchema().getField("requestId").pos()).toString();
    }

    @SuppressWarnings("unchecked")
    static <T extends SpecificRecord> List<ConsumerRecord<String, SpecificRecord>> consume(String topic, Class<T> type, int expected) {
        BeastAvroDeserializer<T> deserializer = new BeastAvroDeserializer<>(type);
        deserializer.configure(Map.of(BeastSerdeConfig.SCHEMA_REGISTRY_URL, BeastTestStack.registryUrl()), false);
        List<ConsumerRecord<String, SpecificRecord>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BeastTestStack.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 30_000;
            while (out.size() < expected && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    T value = deserializer.deserialize(topic, r.value());
                    out.add(new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.key(), (SpecificRecord) value));
                }
            }
            // Nothing beyond what was sent.
            consumer.poll(Duration.ofMillis(500)).forEach(r -> out.add(new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.key(),
                    (SpecificRecord) deserializer.deserialize(topic, r.value()))));
        }
        return out;
    }
}
