package io.beastmode.serde;

import io.beastmode.registry.InMemorySchemaRegistryClient;
import io.beastmode.telemetry.v1.RequestEvent;
import io.beastmode.telemetry.v1.RequestStatus;
import io.beastmode.testing.TelemetrySamples;
import io.beastmode.testing.TestSchemas;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Data written with one schema version reads into the generated class of another. */
class SchemaResolutionTest {
    private static final String TOPIC = "evolution-test";

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final BeastAvroDeserializer<RequestEvent> specificReader = new BeastAvroDeserializer<>(registry, RequestEvent.class);

    @Test
    void oldWriterWithoutAnOptionalFieldReadsIntoTheNewClassWithItsDefault() {
        // An older gateway that did not know timeToFirstTokenMs yet.
        Schema older = withoutField(RequestEvent.getClassSchema(), "timeToFirstTokenMs");
        GenericRecord oldEvent = copyInto(TelemetrySamples.request("r-1"), older);

        RequestEvent read = specificReader.deserialize(TOPIC, writeGeneric(oldEvent));

        RequestEvent expected = RequestEvent.newBuilder(TelemetrySamples.request("r-1")).setTimeToFirstTokenMs(null).build();
        assertThat(read).isEqualTo(expected);
    }

    @Test
    void newWriterWithAnExtraOptionalFieldReadsIntoTheOldClassIgnoringIt() {
        Schema newer = withExtraOptionalString(RequestEvent.getClassSchema(), "region");
        GenericRecord newEvent = copyInto(TelemetrySamples.request("r-2"), newer);
        newEvent.put("region", "eu-west-1");

        RequestEvent read = specificReader.deserialize(TOPIC, writeGeneric(newEvent));

        assertThat(read).isEqualTo(TelemetrySamples.request("r-2"));
    }

    @Test
    void genericReaderSeesTheWriterSchemaOfEachRecord() {
        BeastAvroDeserializer<GenericRecord> genericReader = new BeastAvroDeserializer<>(registry, null);
        GenericRecord v1 = TestSchemas.record(TestSchemas.v1("Ping"), "id", "a", "count", 1);
        GenericRecord v2 = TestSchemas.record(TestSchemas.withOptionalField("Ping"), "id", "b", "count", 2, "note", "hi");

        GenericRecord readV1 = genericReader.deserialize(TOPIC, writeGeneric(v1));
        GenericRecord readV2 = genericReader.deserialize(TOPIC, writeGeneric(v2));

        assertThat(readV1.getSchema().getField("note")).isNull();
        assertThat(readV2.get("note")).hasToString("hi");
        assertThat(registry.versions(TOPIC + "-value")).containsExactly(1, 2);
    }

    @Test
    void enumSymbolsResolveByName() {
        RequestEvent event = RequestEvent.newBuilder(TelemetrySamples.request("r-3")).setStatus(RequestStatus.CANCELLED).build();
        // Reordered symbols change the binary index; resolution must map by name.
        Schema reordered = new Schema.Parser().parse(RequestEvent.getClassSchema().toString()
                .replace("[\"OK\",\"ERROR\",\"TIMEOUT\",\"RATE_LIMITED\",\"CANCELLED\"]", "[\"CANCELLED\",\"OK\",\"ERROR\",\"TIMEOUT\",\"RATE_LIMITED\"]"));
        assertThat(reordered).isNotEqualTo(RequestEvent.getClassSchema());
        GenericRecord written = copyInto(event, reordered);
        written.put("status", new GenericData.EnumSymbol(reordered.getField("status").schema(), "CANCELLED"));

        assertThat(specificReader.deserialize(TOPIC, writeGeneric(written)).getStatus()).isEqualTo(RequestStatus.CANCELLED);
    }

    private byte[] writeGeneric(GenericRecord record) {
        return new BeastAvroSerializer<GenericRecord>(registry).serialize(TOPIC, record);
    }

    /** A generic copy of {@code source} in {@code schema}, field by field (by name); missing fields are skipped. */
    private static GenericRecord copyInto(SpecificRecord source, Schema schema) {
        GenericRecord copy = new GenericData.Record(schema);
        Schema sourceSchema = source.getSchema();
        for (Schema.Field field : schema.getFields()) {
            Schema.Field sourceField = sourceSchema.getField(field.name());
            if (sourceField == null) {
                continue;
            }
            Object value = source.get(sourceField.pos());
            if (value instanceof Enum<?> symbol) {
                value = new GenericData.EnumSymbol(field.schema(), symbol.name());
            }
            copy.put(field.name(), value);
        }
        return copy;
    }

    private static Schema withoutField(Schema schema, String dropped) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field field : schema.getFields()) {
            if (!field.name().equals(dropped)) {
                fields.add(new Schema.Field(field, field.schema()));
            }
        }
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
    }

    private static Schema withExtraOptionalString(Schema schema, String added) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field field : schema.getFields()) {
            fields.add(new Schema.Field(field, field.schema()));
        }
        fields.add(new Schema.Field(added, SchemaBuilder.unionOf().nullType().and().stringType().endUnion(), "added later", Schema.Field.NULL_DEFAULT_VALUE));
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
    }
}
