package io.beastmode.registry;

import io.beastmode.schemas.Topics;
import io.beastmode.testing.TestSchemas;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InMemorySchemaRegistryClientTest {
    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();

    @Test
    void identicalSchemasShareOneIdAcrossSubjects() {
        int first = registry.register("a-value", TestSchemas.v1("Ping"));
        int second = registry.register("b-value", TestSchemas.v1("Ping"));
        int other = registry.register("c-value", TestSchemas.v1("Pong"));

        assertThat(second).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
        assertThat(registry.getById(other)).isEqualTo(TestSchemas.v1("Pong"));
    }

    @Test
    void versionsCountUpAndReRegisteringIsANoOp() {
        int v1 = registry.register("pings-value", TestSchemas.v1("Ping"));
        int v2 = registry.register("pings-value", TestSchemas.withOptionalField("Ping"));

        assertThat(registry.register("pings-value", TestSchemas.v1("Ping"))).isEqualTo(v1);
        assertThat(registry.versions("pings-value")).containsExactly(1, 2);
        assertThat(registry.getLatest("pings-value")).isEqualTo(
                new RegisteredSchema("pings-value", v2, 2, TestSchemas.withOptionalField("Ping")));
        assertThat(registry.lookup("pings-value", TestSchemas.v1("Ping"))).isEqualTo(v1);
    }

    @Test
    void backwardIsTheDefaultAndRefusesANewRequiredFieldWith409() {
        registry.register("pings-value", TestSchemas.v1("Ping"));

        assertThat(registry.getCompatibility("pings-value")).isEqualTo(Compatibility.BACKWARD);
        assertThat(registry.testCompatibility("pings-value", TestSchemas.withRequiredField("Ping"))).isFalse();
        assertThatThrownBy(() -> registry.register("pings-value", TestSchemas.withRequiredField("Ping")))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(409);
                    assertThat(e.isIncompatible()).isTrue();
                    assertThat(e.getMessage()).contains("'pings-value'", "incompatible", "BACKWARD");
                });
        assertThat(registry.versions("pings-value")).containsExactly(1);
    }

    @Test
    void typeChangeIsIncompatibleButNoneAllowsIt() {
        registry.register("pings-value", TestSchemas.v1("Ping"));
        assertThat(registry.testCompatibility("pings-value", TestSchemas.withTypeChange("Ping"))).isFalse();

        registry.setCompatibility("pings-value", "none");
        registry.register("pings-value", TestSchemas.withTypeChange("Ping"));

        assertThat(registry.versions("pings-value")).containsExactly(1, 2);
    }

    @Test
    void forwardChecksThatOldReadersReadNewData() {
        registry.setCompatibility("fw-value", Compatibility.FORWARD);
        registry.register("fw-value", TestSchemas.withOptionalField("Ping"));

        // Dropping an optional field is fine for old readers (they use its default)...
        assertThat(registry.testCompatibility("fw-value", TestSchemas.v1("Ping"))).isTrue();
        // ...but a type change is not.
        assertThat(registry.testCompatibility("fw-value", TestSchemas.withTypeChange("Ping"))).isFalse();
    }

    @Test
    void transitiveLevelsCheckEveryEarlierVersion() {
        Schema idOnly = parse("{\"name\":\"id\",\"type\":\"string\"}");
        Schema intCountWithDefault = parse("{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"count\",\"type\":\"int\",\"default\":0}");
        registry.setCompatibility("t-value", Compatibility.NONE);
        registry.register("t-value", TestSchemas.withTypeChange("Ping"));
        registry.register("t-value", idOnly);

        // An int count with a default reads the newest version (no count) but not the first (count is a string).
        registry.setCompatibility("t-value", Compatibility.BACKWARD);
        assertThat(registry.testCompatibility("t-value", intCountWithDefault)).isTrue();
        registry.setCompatibility("t-value", Compatibility.BACKWARD_TRANSITIVE);
        assertThat(registry.testCompatibility("t-value", intCountWithDefault)).isFalse();
    }

    private static Schema parse(String fields) {
        return new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"Ping\",\"namespace\":\"io.beastmode.test\",\"fields\":[" + fields + "]}");
    }

    @Test
    void missingSubjectSchemaAndIdAreNotFoundWithConfluentCodes() {
        registry.register("pings-value", TestSchemas.v1("Ping"));

        assertThatThrownBy(() -> registry.lookup("nobody-value", TestSchemas.v1("Ping")))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SUBJECT_NOT_FOUND));
        assertThatThrownBy(() -> registry.lookup("pings-value", TestSchemas.v1("Pong")))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND));
        assertThatThrownBy(() -> registry.getById(999))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND);
                    assertThat(e.getMessage()).contains("schema id 999");
                });
    }

    @Test
    void invalidCompatibilityLevelIs42203() {
        assertThatThrownBy(() -> registry.setCompatibility("x-value", "SIDEWAYS"))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.INVALID_COMPATIBILITY_LEVEL));
    }

    @Test
    void deleteSubjectRemovesItButKeepsIdsResolvable() {
        int id = registry.register("gone-value", TestSchemas.v1("Ping"));

        assertThat(registry.deleteSubject("gone-value")).containsExactly(1);
        assertThat(registry.subjects()).doesNotContain("gone-value");
        // Records already written with that id must stay readable.
        assertThat(registry.getById(id)).isEqualTo(TestSchemas.v1("Ping"));
    }

    @Test
    void mockUrlsShareOneRegistryPerScopeUntilDropped() {
        String scope = "in-memory-test-" + System.nanoTime();
        Map<String, String> configs = Map.of(RegistryClientConfig.URL, "mock://" + scope);
        SchemaRegistryClient writer = SchemaRegistryClients.create(configs);
        SchemaRegistryClient reader = SchemaRegistryClients.create(configs);

        int id = writer.register("shared-value", TestSchemas.v1("Ping"));
        writer.close();

        assertThat(reader.getById(id)).isEqualTo(TestSchemas.v1("Ping"));
        assertThat(SchemaRegistryClients.create(Map.of(RegistryClientConfig.URL, "mock://other-" + scope)).subjects()).isEmpty();
        InMemorySchemaRegistryClient.dropScope(scope);
        assertThat(SchemaRegistryClients.create(configs).subjects()).isEmpty();
    }

    @Test
    void subjectRegistrationRegistersEveryTopicUnderBackwardAndIsIdempotent() {
        Map<String, Integer> first = SubjectRegistration.registerAll(registry);
        Map<String, Integer> second = SubjectRegistration.registerAll(registry);

        assertThat(first).hasSize(Topics.all().size()).isEqualTo(second);
        for (Topics.TopicSpec topic : Topics.all()) {
            assertThat(registry.getCompatibility(topic.valueSubject())).isEqualTo(Compatibility.BACKWARD);
            assertThat(registry.versions(topic.valueSubject())).containsExactly(1);
            assertThat(registry.getById(first.get(topic.valueSubject())).getFullName()).isEqualTo(topic.valueType());
        }
    }
}
