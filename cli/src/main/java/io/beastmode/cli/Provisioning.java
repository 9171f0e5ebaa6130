package io.beastmode.cli;

import io.beastmode.clients.TopicAdmin;
import io.beastmode.registry.RegistryClientConfig;
import io.beastmode.registry.SchemaRegistryClient;
import io.beastmode.registry.SchemaRegistryClients;
import io.beastmode.registry.SubjectRegistration;
import io.beastmode.schemas.Topics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Makes a cluster ready for the pipeline: the contract topics exist and their value subjects are registered. */
final class Provisioning {

    /** What was done, for people and for --json. */
    record Report(List<String> createdTopics, List<String> existingTopics, Map<String, Integer> subjects,
                  List<String> warnings) {
        List<String> lines() {
            List<String> out = new ArrayList<>();
            out.add("topics: " + createdTopics.size() + " created, " + existingTopics.size() + " already there ("
                    + (createdTopics.size() + existingTopics.size()) + " in the contract)");
            out.add("subjects: " + subjects.size() + " registered with BACKWARD compatibility");
            warnings.forEach(w -> out.add("warning: " + w));
            return out;
        }

        Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("createdTopics", createdTopics);
            m.put("existingTopics", existingTopics);
            m.put("subjects", subjects);
            m.put("warnings", warnings);
            return m;
        }
    }

    private Provisioning() {
    }

    static Report provision(String bootstrapServers, String registryUrl) {
        return provision(bootstrapServers, registryUrl, Topics.all(), 0);
    }

    /** {@code replicationFactor} 0 lets TopicAdmin choose (min(3, brokers)). */
    static Report provision(String bootstrapServers, String registryUrl, List<Topics.TopicSpec> topics, int replicationFactor) {
        TopicAdmin.EnsureReport ensured = ensureTopics(bootstrapServers, topics, replicationFactor);
        Map<String, Integer> ids = registerSubjects(registryUrl, topics);
        List<String> warnings = new ArrayList<>();
        ensured.partitionDrifts().forEach(d -> warnings.add("topic " + d.topic() + " has " + d.actual()
                + " partitions, the contract says " + d.expected() + " (not changed)"));
        ensured.configDrifts().forEach(d -> warnings.add("topic " + d.topic() + " config " + d.config() + " was '"
                + d.actual() + "', the contract says '" + d.expected() + "'" + (ensured.driftsAltered() ? " (altered)" : "")));
        return new Report(ensured.created(), ensured.existing(), ids, warnings);
    }

    static TopicAdmin.EnsureReport ensureTopics(String bootstrapServers, List<Topics.TopicSpec> topics, int replicationFactor) {
        try (TopicAdmin admin = TopicAdmin.connect(bootstrapServers)) {
            if (replicationFactor > 0) {
                admin.replicationFactor(replicationFactor);
            }
            return admin.ensureTopics(topics);
        }
    }

    static Map<String, Integer> registerSubjects(String registryUrl, List<Topics.TopicSpec> topics) {
        try (SchemaRegistryClient client = SchemaRegistryClients.create(Map.of(RegistryClientConfig.URL, registryUrl))) {
            return SubjectRegistration.registerAll(client, topics);
        }
    }
}
