package io.beastmode.registry;

import io.beastmode.serde.BeastAvroDeserializer;
import io.beastmode.serde.BeastAvroSerializer;
import io.beastmode.stack.BeastTestStack;
import io.beastmode.testing.KafkaItSupport;
import io.beastmode.testing.TestSchemas;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** BACKWARD evolution enforced by the real Apicurio registry through its Confluent API. */
class SchemaEvolutionIT {
    private static final Logger log = LoggerFactory.getLogger(SchemaEvolutionIT.class);

    private final SchemaRegistryClient registry = SchemaRegistryClients.create(Map.of(RegistryClientConfig.URL, BeastTestStack.registryUrl()));
    private final String subject = KafkaItSupport.unique("evolution") + "-value";

    @AfterEach
    void close() {
        registry.close();
    }

    private int registerV1UnderBackward() {
        int id = registry.register(subject, TestSchemas.v1("Ping"));
        registry.setCompatibility(subject, Compatibility.BACKWARD);
        return id;
    }

    @Test
    void anAddedOptionalFieldRegistersAsVersionTwo() {
        int v1 = registerV1UnderBackward();

        assertThat(registry.getCompatibility(subject)).isEqualTo(Compatibility.BACKWARD);
        assertThat(registry.testCompatibility(subject, TestSchemas.withOptionalField("Ping"))).isTrue();
        int v2 = registry.register(subject, TestSchemas.withOptionalField("Ping"));

        assertThat(v2).isNotEqualTo(v1);
        assertThat(registry.versions(subject)).containsExactly(1, 2);
        assertThat(registry.getLatest(subject)).isEqualTo(new RegisteredSchema(subject, v2, 2, TestSchemas.withOptionalField("Ping")));
        assertThat(registry.lookup(subject, TestSchemas.v1("Ping"))).isEqualTo(v1);
    }

    @Test
    void aNewRequiredFieldIsRefusedWith409NamingTheSubject() {
        registerV1UnderBackward();

        assertThat(registry.testCompatibility(subject, TestSchemas.withRequiredField("Ping"))).isFalse();
        SchemaRegistryException refused = catchThrowableOfType(SchemaRegistryException.class,
                () -> registry.register(subject, TestSchemas.withRequiredField("Ping")));

        log.info("Apicurio refusal of a new required field: {}", refused.getMessage());
        assertThat(refused.httpStatus()).isEqualTo(409);
        assertThat(refused.isIncompatible()).isTrue();
        assertThat(refused.subject()).isEqualTo(subject);
        assertThat(refused.getMessage()).contains("'" + subject + "'", "HTTP 409");
        assertThat(registry.versions(subject)).containsExactly(1);
    }

    @Test
    void aFieldTypeChangeIsRefusedWith409() {
        registerV1UnderBackward();

        SchemaRegistryException refused = catchThrowableOfType(SchemaRegistryException.class,
                () -> registry.register(subject, TestSchemas.withTypeChange("Ping")));

        assertThat(refused.httpStatus()).isEqualTo(409);
        assertThat(refused.getMessage()).contains("'" + subject + "'");
    }

    @Test
    void dataWrittenBeforeAndAfterTheChangeStaysReadable() {
        registerV1UnderBackward();
        String topic = subject.substring(0, subject.length() - "-value".length());
        BeastAvroSerializer<GenericRecord> writer = new BeastAvroSerializer<>(registry);
        writer.configure(Map.of(), false);
        GenericRecord old = TestSchemas.record(TestSchemas.v1("Ping"), "id", "before", "count", 1);
        GenericRecord evolved = TestSchemas.record(TestSchemas.withOptionalField("Ping"), "id", "after", "count", 2, "note", "new field");

        byte[] oldPayload = writer.serialize(topic, old);
        byte[] newPayload = writer.serialize(topic, evolved);
        BeastAvroDeserializer<GenericRecord> reader = new BeastAvroDeserializer<>(registry, null);

        assertThat(reader.deserialize(topic, oldPayload).getSchema()).isEqualTo(TestSchemas.v1("Ping"));
        assertThat(reader.deserialize(topic, newPayload).get("note")).hasToString("new field");
    }

    @Test
    void missingSubjectAndSchemaAreNotFoundErrors() {
        SchemaRegistryException noSubject = catchThrowableOfType(SchemaRegistryException.class, () -> registry.getLatest(subject));
        log.info("Apicurio missing subject: {}", noSubject.getMessage());
        assertThat(noSubject.isNotFound()).isTrue();
        assertThat(noSubject.getMessage()).contains("'" + subject + "'", "HTTP 404");

        registerV1UnderBackward();
        SchemaRegistryException noSchema = catchThrowableOfType(SchemaRegistryException.class,
                () -> registry.lookup(subject, TestSchemas.v1("Pong")));
        log.info("Apicurio unregistered schema: {}", noSchema.getMessage());
        assertThat(noSchema.isNotFound()).isTrue();

        SchemaRegistryException noId = catchThrowableOfType(SchemaRegistryException.class, () -> registry.getById(Integer.MAX_VALUE - 7));
        log.info("Apicurio unknown id: {}", noId.getMessage());
        assertThat(noId.isNotFound()).isTrue();
        assertThat(noId.getMessage()).contains("schema id " + (Integer.MAX_VALUE - 7));
    }

    @Test
    void deletingASubjectReturnsItsVersions() {
        registerV1UnderBackward();
        registry.register(subject, TestSchemas.withOptionalField("Ping"));

        assertThat(registry.deleteSubject(subject)).containsExactly(1, 2);
        assertThat(registry.subjects()).doesNotContain(subject);
    }

    @Test
    void identicalSchemasShareAnIdAcrossSubjects() {
        Schema unique = TestSchemas.v1("Shared" + Math.abs(subject.hashCode()));
        int first = registry.register(subject, unique);
        int second = registry.register(subject + "-twin", unique);

        assertThat(second).isEqualTo(first);
    }
}
