package io.beastmode.registry;

import org.apache.avro.Schema;

import java.util.List;

/**
 * The operations of the Confluent Schema Registry REST API that the serde and the tooling need. Implemented over
 * HTTP by {@link RestSchemaRegistryClient} and in memory by {@link InMemorySchemaRegistryClient}; obtain one from
 * {@link SchemaRegistryClients#create(java.util.Map)}. Every failure is a {@link SchemaRegistryException}.
 */
public interface SchemaRegistryClient extends AutoCloseable {

    /** Registers {@code schema} under {@code subject} (a no-op returning the existing id when already there). */
    int register(String subject, Schema schema);

    /** The id of {@code schema} under {@code subject}; throws (40401 / 40403) when it is not registered there. */
    int lookup(String subject, Schema schema);

    /** The schema with this id; throws (40403) when there is none. */
    Schema getById(int id);

    /** The newest version of {@code subject}; throws (40401) when the subject does not exist. */
    RegisteredSchema getLatest(String subject);

    /** All (not deleted) subjects. */
    List<String> subjects();

    /** The version numbers of {@code subject}, oldest first. */
    List<Integer> versions(String subject);

    /** The compatibility level in force for {@code subject} (its own, else the global one); null subject = global. */
    String getCompatibility(String subject);

    /** Sets the compatibility level of {@code subject} (null = the global level), e.g. {@link Compatibility#BACKWARD}. */
    void setCompatibility(String subject, String level);

    /** Whether {@code schema} may be registered under {@code subject} given its compatibility level. */
    boolean testCompatibility(String subject, Schema schema);

    /** Deletes {@code subject}, returning the versions it had. */
    List<Integer> deleteSubject(String subject);

    /** Releases connections; the default does nothing. */
    @Override
    default void close() {
    }
}
