package io.beastmode.serde;

import io.apicurio.registry.serde.Legacy4ByteIdHandler;
import io.apicurio.registry.serde.SerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.beastmode.registry.SchemaRegistryClient;
import io.beastmode.registry.SchemaRegistryClients;
import io.beastmode.stack.BeastTestStack;
import io.beastmode.telemetry.v1.CostEvent;
import io.beastmode.telemetry.v1.RequestEvent;
import io.beastmode.telemetry.v1.SelectionEvent;
import io.beastmode.testing.KafkaItSupport;
import io.beastmode.testing.TelemetrySamples;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Our serde and Apicurio's own Avro serde, each in Confluent-compatible mode, read each other's records through a
 * real topic. Apicurio's ccompat API hands out content ids as schema ids, so its serde must use contentId too.
 */
class ApicurioInteropIT {
    private final Map<String, Object> ourConfigs = Map.of(BeastSerdeConfig.SCHEMA_REGISTRY_URL, BeastTestStack.registryUrl());

    @BeforeAll
    static void trustGeneratedClassesForApicuriosReader() {
        // Apicurio's specific reader loads our generated classes by name, which Avro 1.12 forbids unless trusted
        // (a deployment would pass -Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.beastmode...).
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(),
                type -> type.getName().startsWith("io.beastmode.telemetry.v1.")));
    }

    /** Apicurio 2.6 serde settings for the Confluent wire format: 4-byte id in the payload, no headers. */
    private static Map<String, Object> apicurioConfigs() {
        Map<String, Object> configs = new HashMap<>();
        configs.put(SerdeConfig.REGISTRY_URL, "http://127.0.0.1:" + BeastTestStack.registry().port() + "/apis/registry/v2");
        configs.put(SerdeConfig.ENABLE_CONFLUENT_ID_HANDLER, true);
        // as-confluent alone logs "Duplicate id-handler configuration" (2.6 defaults id-handler): name the same handler.
        configs.put(SerdeConfig.ID_HANDLER, Legacy4ByteIdHandler.class.getName());
        configs.put(SerdeConfig.USE_ID, "contentId");
        configs.put(SerdeConfig.ENABLE_HEADERS, false);
        configs.put(SerdeConfig.AUTO_REGISTER_ARTIFACT, true);
        configs.put(AvroKafkaSerdeConfig.USE_SPECIFIC_AVRO_READER, true);
        return configs;
    }

    @Test
    void apicurioReadsWhatWeWrite() {
        String topic = KafkaItSupport.unique("interop-ours");
        KafkaItSupport.createTopics(topic);
        List<SpecificRecord> sent = List.of(TelemetrySamples.request("a"), TelemetrySamples.selection("a"), TelemetrySamples.cost("a"));
        BeastAvroSerializer<SpecificRecord> ours = new BeastAvroSerializer<>();
        ours.configure(ourConfigs, false);

        KafkaItSupport.produce(topic, ours, sent);
        AvroKafkaDeserializer<SpecificRecord> theirs = new AvroKafkaDeserializer<>();
        theirs.configure(apicurioConfigs(), false);

        assertThat(KafkaItSupport.values(KafkaItSupport.consume(topic, theirs, sent.size()))).containsExactlyElementsOf(sent);
    }

    @Test
    void weReadWhatApicurioWrites() {
        String topic = KafkaItSupport.unique("interop-theirs");
        KafkaItSupport.createTopics(topic);
        List<RequestEvent> sent = List.of(TelemetrySamples.request("b1"), TelemetrySamples.request("b2"));
        AvroKafkaSerializer<RequestEvent> theirs = new AvroKafkaSerializer<>();
        theirs.configure(apicurioConfigs(), false);

        KafkaItSupport.produce(topic, theirs, sent);

        assertThat(KafkaItSupport.values(KafkaItSupport.consume(topic, BeastSerdes.specific(RequestEvent.class, ourConfigs, false).deserializer(), 2)))
                .containsExactlyElementsOf(sent);
        // Apicurio registered the schema under the topic-name subject our Confluent client sees, with the id it wrote.
        try (SchemaRegistryClient registry = SchemaRegistryClients.create(ourConfigs)) {
            byte[] payload = KafkaItSupport.consume(topic, new ByteArrayDeserializer(), 1).get(0).value();
            assertThat(registry.lookup(topic + "-value", RequestEvent.getClassSchema())).isEqualTo(WireFormat.schemaId(topic, payload));
        }
    }

    @Test
    void bothSerdesAgreeOnTheIdOfTheSameSchema() {
        String topic = KafkaItSupport.unique("interop-same-id");
        KafkaItSupport.createTopics(topic);
        AvroKafkaSerializer<CostEvent> theirs = new AvroKafkaSerializer<>();
        theirs.configure(apicurioConfigs(), false);
        byte[] theirPayload = theirs.serialize(topic, TelemetrySamples.cost("c"));

        byte[] ourPayload = BeastSerdes.specific(CostEvent.class, ourConfigs, false).serializer().serialize(topic, TelemetrySamples.cost("c"));

        assertThat(WireFormat.schemaId(topic, ourPayload)).isEqualTo(WireFormat.schemaId(topic, theirPayload));
        assertThat(ourPayload).isEqualTo(theirPayload);
    }

    @Test
    void genericReadersOnBothSidesSeeTheSameFields() {
        String topic = KafkaItSupport.unique("interop-generic");
        SelectionEvent event = TelemetrySamples.selection("g");
        byte[] ours = BeastSerdes.specific(SelectionEvent.class, ourConfigs, false).serializer().serialize(topic, event);
        Map<String, Object> genericConfigs = apicurioConfigs();
        genericConfigs.put(AvroKafkaSerdeConfig.USE_SPECIFIC_AVRO_READER, false);
        AvroKafkaDeserializer<org.apache.avro.generic.GenericRecord> theirs = new AvroKafkaDeserializer<>();
        theirs.configure(genericConfigs, false);

        org.apache.avro.generic.GenericRecord read = theirs.deserialize(topic, ours);

        assertThat(read.get("selectedModel")).hasToString(event.getSelectedModel());
        assertThat(read.get("reason")).hasToString(event.getReason().name());
        assertThat(read.get("predictedQuality")).isEqualTo(event.getPredictedQuality());
    }
}
