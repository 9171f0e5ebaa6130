package io.beastmode.serde;

import io.beastmode.registry.SchemaRegistryClient;
import io.beastmode.registry.SchemaRegistryClients;
import io.beastmode.schemas.Topics;
import io.beastmode.stack.BeastTestStack;
import io.beastmode.telemetry.v1.CacheEvent;
import io.beastmode.telemetry.v1.CostEvent;
import io.beastmode.telemetry.v1.RequestEvent;
import io.beastmode.telemetry.v1.SelectionEvent;
import io.beastmode.testing.KafkaItSupport;
import io.beastmode.testing.TelemetrySamples;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** All four telemetry kinds through a real broker and the real Apicurio registry (Confluent API). */
class TelemetryRoundTripIT {
    private final Map<String, Object> configs = Map.of(BeastSerdeConfig.SCHEMA_REGISTRY_URL, BeastTestStack.registryUrl());

    @Test
    void requestEventsRoundTrip() {
        assertRoundTrip(Topics.REQUESTS, RequestEvent.class, TelemetrySamples::request);
    }

    @Test
    void cacheEventsRoundTrip() {
        assertRoundTrip(Topics.CACHE, CacheEvent.class, TelemetrySamples::cache);
    }

    @Test
    void selectionEventsRoundTrip() {
        assertRoundTrip(Topics.SELECTION, SelectionEvent.class, TelemetrySamples::selection);
    }

    @Test
    void costEventsRoundTrip() {
        assertRoundTrip(Topics.COST, CostEvent.class, TelemetrySamples::cost);
    }

    private <T extends SpecificRecord> void assertRoundTrip(String contractTopic, Class<T> type, Function<String, T> sample) {
        String topic = KafkaItSupport.unique(contractTopic);
        KafkaItSupport.createTopics(topic);
        List<T> sent = IntStream.range(0, 5).mapToObj(i -> sample.apply("req-" + i)).toList();

        KafkaItSupport.produce(topic, BeastSerdes.specific(type, configs, false).serializer(), sent);
        List<ConsumerRecord<String, T>> received = KafkaItSupport.consume(topic, BeastSerdes.specific(type, configs, false).deserializer(), sent.size());

        assertThat(KafkaItSupport.values(received)).containsExactlyElementsOf(sent);
        // The id in every payload is the one the registry holds for the subject, and it resolves to the class's schema.
        try (SchemaRegistryClient registry = SchemaRegistryClients.create(configs)) {
            int registeredId = registry.lookup(topic + "-value", sample.apply("x").getSchema());
            List<ConsumerRecord<String, byte[]>> raw = KafkaItSupport.consume(topic, new ByteArrayDeserializer(), sent.size());
            assertThat(raw).allSatisfy(record -> assertThat(WireFormat.schemaId(topic, record.value())).isEqualTo(registeredId));
            assertThat(registry.getById(registeredId)).isEqualTo(sample.apply("x").getSchema());
            assertThat(registry.getLatest(topic + "-value").version()).isEqualTo(1);
        }
    }

    @Test
    void configDrivenDeserializerFindsTheGeneratedClassesByName() {
        String topic = KafkaItSupport.unique("by-name");
        KafkaItSupport.createTopics(topic);
        BeastAvroSerializer<SpecificRecord> serializer = new BeastAvroSerializer<>();
        serializer.configure(configs, false);
        List<SpecificRecord> mixed = List.of(TelemetrySamples.request("m"), TelemetrySamples.cost("m"));

        KafkaItSupport.produce(topic, serializer, mixed);
        BeastAvroDeserializer<Object> deserializer = new BeastAvroDeserializer<>();
        deserializer.configure(Map.of(BeastSerdeConfig.SCHEMA_REGISTRY_URL, BeastTestStack.registryUrl(),
                BeastSerdeConfig.SPECIFIC_AVRO_READER, "true"), false);

        assertThat(KafkaItSupport.values(KafkaItSupport.consume(topic, deserializer, 2))).containsExactlyElementsOf(mixed);
    }
}
