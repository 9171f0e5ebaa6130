package io.beastmode.serde;

import io.beastmode.registry.FakeSchemaRegistry;
import io.beastmode.registry.InMemorySchemaRegistryClient;
import io.beastmode.registry.SchemaRegistryClient;
import io.beastmode.registry.SchemaRegistryClients;
import io.beastmode.registry.SchemaRegistryException;
import io.beastmode.schemas.Topics;
import io.beastmode.telemetry.v1.CacheEvent;
import io.beastmode.telemetry.v1.CostEvent;
import io.beastmode.telemetry.v1.RequestEvent;
import io.beastmode.telemetry.v1.SelectionEvent;
import io.beastmode.testing.TelemetrySamples;
import io.beastmode.testing.TestSchemas;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BeastAvroSerdeTest {
    private final String scope = "serde-test-" + System.nanoTime();
    private final Map<String, Object> configs = new HashMap<>(Map.of(BeastSerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + scope));

    @AfterEach
    void dropScope() {
        InMemorySchemaRegistryClient.dropScope(scope);
    }

    private SchemaRegistryClient registry() {
        return SchemaRegistryClients.create(configs);
    }

    @Test
    void allFourTelemetryKindsRoundTrip() {
        assertRoundTrip(RequestEvent.class, Topics.REQUESTS, TelemetrySamples.request("r-1"));
        assertRoundTrip(CacheEvent.class, Topics.CACHE, TelemetrySamples.cache("r-1"));
        assertRoundTrip(SelectionEvent.class, Topics.SELECTION, TelemetrySamples.selection("r-1"));
        assertRoundTrip(CostEvent.class, Topics.COST, TelemetrySamples.cost("r-1"));
        assertThat(registry().subjects()).containsExactlyInAnyOrder(
                Topics.REQUESTS + "-value", Topics.CACHE + "-value", Topics.SELECTION + "-value", Topics.COST + "-value");
    }

    private <T extends SpecificRecord> void assertRoundTrip(Class<T> type, String topic, T event) {
        try (Serde<T> serde = BeastSerdes.specific(type, configs, false)) {
            T read = serde.deserializer().deserialize(topic, serde.serializer().serialize(topic, event));
            assertThat(read).isInstanceOf(type).isEqualTo(event);
        }
    }

    @Test
    void payloadIsMagicByteThenBigEndianIdThenPlainAvroBinary() throws IOException {
        RequestEvent event = TelemetrySamples.request("r-2");
        byte[] payload = BeastSerdes.specific(RequestEvent.class, configs, false).serializer().serialize(Topics.REQUESTS, event);

        int registeredId = registry().lookup(Topics.REQUESTS + "-value", RequestEvent.getClassSchema());
        assertThat(payload[0]).isEqualTo((byte) 0);
        assertThat(ByteBuffer.wrap(payload, 1, 4).getInt()).isEqualTo(registeredId);
        assertThat(Arrays.copyOfRange(payload, 5, payload.length)).isEqualTo(plainAvro(event));
        assertThat(WireFormat.schemaId("t", payload)).isEqualTo(registeredId);
    }

    @Test
    void wireFormatEncodeWritesTheHeaderBeforeTheBody() {
        byte[] framed = WireFormat.encode(0x01020304, new byte[]{9, 8});

        assertThat(framed).containsExactly(0, 1, 2, 3, 4, 9, 8);
        assertThat(WireFormat.header(258)).containsExactly(0, 0, 0, 1, 2);
    }

    @Test
    void nullIsATombstoneBothWays() {
        Serde<RequestEvent> serde = BeastSerdes.specific(RequestEvent.class, configs, false);

        assertThat(serde.serializer().serialize(Topics.REQUESTS, null)).isNull();
        assertThat(serde.deserializer().deserialize(Topics.REQUESTS, null)).isNull();
        assertThat(registry().subjects()).isEmpty();
    }

    @Test
    void keysUseTheKeySubject() {
        BeastSerdes.specific(RequestEvent.class, configs, true).serializer().serialize("keyed", TelemetrySamples.request("r-3"));

        assertThat(registry().subjects()).containsExactly("keyed-key");
    }

    @Test
    void genericRecordsRoundTripInTheWriterSchema() {
        Schema schema = TestSchemas.v1("Ping");
        GenericRecord ping = TestSchemas.record(schema, "id", "p-1", "count", 7);
        Serde<GenericRecord> serde = BeastSerdes.generic(configs, false);

        GenericRecord read = serde.deserializer().deserialize("pings", serde.serializer().serialize("pings", ping));

        assertThat(read.getSchema()).isEqualTo(schema);
        assertThat(read.get("id")).hasToString("p-1");
        assertThat(read.get("count")).isEqualTo(7);
    }

    @Test
    void genericDeserializerReadsSpecificRecordsAsGeneric() {
        byte[] payload = BeastSerdes.specific(CostEvent.class, configs, false).serializer().serialize(Topics.COST, TelemetrySamples.cost("r-4"));

        GenericRecord read = BeastSerdes.generic(configs, false).deserializer().deserialize(Topics.COST, payload);

        assertThat(read).isNotInstanceOf(CostEvent.class);
        assertThat(read.get("costUsd")).isEqualTo(0.0012);
    }

    @Test
    void specificReaderWithoutTargetClassFindsTheGeneratedClassByName() {
        byte[] payload = BeastSerdes.specific(CacheEvent.class, configs, false).serializer().serialize(Topics.CACHE, TelemetrySamples.cache("r-5"));
        configs.put(BeastSerdeConfig.SPECIFIC_AVRO_READER, "true");
        BeastAvroDeserializer<Object> deserializer = new BeastAvroDeserializer<>();
        deserializer.configure(configs, false);

        assertThat(deserializer.deserialize(Topics.CACHE, payload)).isEqualTo(TelemetrySamples.cache("r-5"));
    }

    @Test
    void withoutAutoRegisterAnUnregisteredSchemaFailsNamingTheSubject() {
        configs.put(BeastSerdeConfig.AUTO_REGISTER_SCHEMAS, false);
        Serde<RequestEvent> serde = BeastSerdes.specific(RequestEvent.class, configs, false);

        assertThatThrownBy(() -> serde.serializer().serialize("unregistered", TelemetrySamples.request("r-6")))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("look up subject 'unregistered-value'")
                .hasCauseInstanceOf(SchemaRegistryException.class);
    }

    @Test
    void withoutAutoRegisterARegisteredSchemaIsLookedUp() {
        int id = registry().register("preregistered-value", RequestEvent.getClassSchema());
        configs.put(BeastSerdeConfig.AUTO_REGISTER_SCHEMAS, "false");

        byte[] payload = BeastSerdes.specific(RequestEvent.class, configs, false).serializer()
                .serialize("preregistered", TelemetrySamples.request("r-7"));

        assertThat(WireFormat.schemaId("preregistered", payload)).isEqualTo(id);
        assertThat(registry().versions("preregistered-value")).containsExactly(1);
    }

    @Test
    void useLatestVersionWritesWithTheSubjectsNewestSchema() {
        registry().register("latest-value", TestSchemas.v1("Ping"));
        int latestId = registry().register("latest-value", TestSchemas.withOptionalField("Ping"));
        configs.put(BeastSerdeConfig.AUTO_REGISTER_SCHEMAS, false);
        configs.put(BeastSerdeConfig.USE_LATEST_VERSION, true);
        GenericRecord oldShape = TestSchemas.record(TestSchemas.v1("Ping"), "id", "p-2", "count", 3);
        Serde<GenericRecord> serde = BeastSerdes.generic(configs, false);

        byte[] payload = serde.serializer().serialize("latest", oldShape);
        GenericRecord read = serde.deserializer().deserialize("latest", payload);

        assertThat(WireFormat.schemaId("latest", payload)).isEqualTo(latestId);
        assertThat(read.getSchema()).isEqualTo(TestSchemas.withOptionalField("Ping"));
        assertThat(read.get("id")).hasToString("p-2");
        assertThat(read.get("count")).isEqualTo(3);
        assertThat(read.get("note")).isNull();
    }

    @Test
    void useLatestVersionRefusesARecordTheLatestSchemaCannotRepresent() {
        registry().register("latest-strict-value", TestSchemas.withRequiredField("Ping"));
        configs.put(BeastSerdeConfig.AUTO_REGISTER_SCHEMAS, false);
        configs.put(BeastSerdeConfig.USE_LATEST_VERSION, true);
        GenericRecord oldShape = TestSchemas.record(TestSchemas.v1("Ping"), "id", "p-3", "count", 1);

        assertThatThrownBy(() -> BeastSerdes.generic(configs, false).serializer().serialize("latest-strict", oldShape))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("'latest-strict-value'").hasMessageContaining("owner");
    }

    @Test
    void nonAvroValuesAreRefusedNamingTheType() {
        BeastAvroSerializer<Object> serializer = new BeastAvroSerializer<>();
        serializer.configure(configs, false);

        assertThatThrownBy(() -> serializer.serialize("t", "plain string"))
                .isInstanceOf(SerializationException.class).hasMessageContaining("java.lang.String");
    }

    @Test
    void unconfiguredSerializerSaysWhatIsMissing() {
        assertThatThrownBy(() -> new BeastAvroSerializer<RequestEvent>().serialize("t", TelemetrySamples.request("r")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(BeastSerdeConfig.SCHEMA_REGISTRY_URL);
    }

    @Test
    void afterTheFirstRecordOfASchemaNoRegistryCallIsMade() throws IOException {
        try (FakeSchemaRegistry fake = new FakeSchemaRegistry()) {
            Map<String, Object> restConfigs = Map.of(BeastSerdeConfig.SCHEMA_REGISTRY_URL, fake.url());
            Serde<RequestEvent> writer = BeastSerdes.specific(RequestEvent.class, restConfigs, false);
            Serde<RequestEvent> reader = BeastSerdes.specific(RequestEvent.class, restConfigs, false);

            for (int i = 0; i < 5; i++) {
                RequestEvent event = TelemetrySamples.request("r-" + i);
                assertThat(reader.deserializer().deserialize(Topics.REQUESTS, writer.serializer().serialize(Topics.REQUESTS, event)))
                        .isEqualTo(event);
            }

            assertThat(fake.requests()).extracting(FakeSchemaRegistry.RecordedRequest::method, FakeSchemaRegistry.RecordedRequest::path)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("POST", "/subjects/" + Topics.REQUESTS + "-value/versions"),
                            org.assertj.core.groups.Tuple.tuple("GET", "/schemas/ids/1"));
        }
    }

    @Test
    void oneSerdeInstanceIsSafeToShareAcrossThreads() throws Exception {
        Serde<RequestEvent> serde = BeastSerdes.specific(RequestEvent.class, configs, false);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<Boolean>> results = new java.util.ArrayList<>();
            for (int i = 0; i < 400; i++) {
                RequestEvent event = TelemetrySamples.request("concurrent-" + i);
                results.add(pool.submit(() -> event.equals(
                        serde.deserializer().deserialize(Topics.REQUESTS, serde.serializer().serialize(Topics.REQUESTS, event)))));
            }
            for (java.util.concurrent.Future<Boolean> result : results) {
                assertThat(result.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(registry().versions(Topics.REQUESTS + "-value")).containsExactly(1);
    }

    @Test
    void theSameSchemaOnTwoTopicsRegistersUnderEachSubject() {
        Serde<CostEvent> serde = BeastSerdes.specific(CostEvent.class, configs, false);
        serde.serializer().serialize("costs-a", TelemetrySamples.cost("r"));
        serde.serializer().serialize("costs-b", TelemetrySamples.cost("r"));

        assertThat(registry().subjects()).isEqualTo(List.of("costs-a-value", "costs-b-value"));
    }

    private static byte[] plainAvro(RequestEvent event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        var encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(RequestEvent.class).write(event, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
