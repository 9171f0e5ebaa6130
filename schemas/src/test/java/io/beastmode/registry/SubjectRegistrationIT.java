package io.beastmode.registry;

import io.beastmode.schemas.Topics;
import io.beastmode.stack.BeastTestStack;
import io.beastmode.testing.KafkaItSupport;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Registering every contract subject against the real registry, twice. */
class SubjectRegistrationIT {

    @Test
    void registersEveryTopicUnderBackwardAndASecondRunChangesNothing() {
        String prefix = KafkaItSupport.unique("contract") + ".";
        // The contract topics under a prefix, so reruns against a long-lived registry start clean.
        List<Topics.TopicSpec> topics = Topics.all().stream()
                .map(t -> new Topics.TopicSpec(prefix + t.name(), t.valueType(), t.keyDescription(), t.partitions(), t.configs()))
                .toList();
        try (SchemaRegistryClient registry = SchemaRegistryClients.create(Map.of(RegistryClientConfig.URL, BeastTestStack.registryUrl()))) {

            Map<String, Integer> first = SubjectRegistration.registerAll(registry, topics);
            Map<String, Integer> second = SubjectRegistration.registerAll(registry, topics);

            assertThat(first).hasSize(topics.size()).isEqualTo(second);
            assertThat(registry.subjects()).containsAll(first.keySet());
            for (Topics.TopicSpec topic : topics) {
                assertThat(registry.getCompatibility(topic.valueSubject())).as(topic.valueSubject()).isEqualTo(Compatibility.BACKWARD);
                assertThat(registry.versions(topic.valueSubject())).as(topic.valueSubject()).containsExactly(1);
                assertThat(registry.getById(first.get(topic.valueSubject()))).isEqualTo(SubjectRegistration.valueSchema(topic));
            }
        }
    }
}
