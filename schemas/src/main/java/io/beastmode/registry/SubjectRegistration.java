package io.beastmode.registry;

import io.beastmode.schemas.Topics;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Registers the value schema of every contract topic under {@code <topic>-value} with BACKWARD compatibility. */
public final class SubjectRegistration {

    private SubjectRegistration() {
    }

    /**
     * For each topic: sets its value subject to BACKWARD and registers the schema of its generated value class.
     * Idempotent: a second run returns the same ids. Returns subject -> schema id, in topic order.
     */
    public static Map<String, Integer> registerAll(SchemaRegistryClient client, List<Topics.TopicSpec> topics) {
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (Topics.TopicSpec topic : topics) {
            String subject = topic.valueSubject();
            Schema schema = valueSchema(topic);
            client.setCompatibility(subject, Compatibility.BACKWARD);
            ids.put(subject, client.register(subject, schema));
        }
        return ids;
    }

    /** {@link #registerAll(SchemaRegistryClient, List)} for {@link Topics#all()}. */
    public static Map<String, Integer> registerAll(SchemaRegistryClient client) {
        return registerAll(client, Topics.all());
    }

    /** The schema of the topic's generated value class (its static {@code SCHEMA$}). */
    public static Schema valueSchema(Topics.TopicSpec topic) {
        Class<?> type;
        try {
            type = Class.forName(topic.valueType(), true, SubjectRegistration.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("value class " + topic.valueType() + " of topic " + topic.name() + " is not on the classpath", e);
        }
        return SpecificData.get().getSchema(type);
    }
}
