package io.beastmode.registry;

import org.apache.avro.Schema;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A registry in memory with the REST registry's semantics: identical schemas share one id across subjects,
 * versions count up per subject, registration is checked against the subject's compatibility level (global
 * default BACKWARD) with Avro's {@link org.apache.avro.SchemaCompatibility}, and failures carry the same error
 * codes. For unit tests and {@code TopologyTestDriver}: the URL {@code mock://<scope>} selects the instance shared
 * by that scope within the JVM, so a serializer and a deserializer configured alike see the same registry.
 */
public final class InMemorySchemaRegistryClient implements SchemaRegistryClient {
    private static final Map<String, InMemorySchemaRegistryClient> SCOPES = new ConcurrentHashMap<>();

    private record Version(int version, int id, Schema schema) {
    }

    private final Map<String, Integer> idsBySchemaText = new HashMap<>();
    private final Map<Integer, Schema> schemasById = new HashMap<>();
    /** Subjects in registration order; deleted subjects are removed. */
    private final Map<String, List<Version>> subjects = new LinkedHashMap<>();
    /** Next version per subject; kept after a delete so version numbers are never reused, as in Confluent. */
    private final Map<String, Integer> nextVersion = new HashMap<>();
    private final Map<String, String> subjectCompatibility = new HashMap<>();
    private String globalCompatibility = Compatibility.BACKWARD;
    private int nextId = 1;

    /** A private registry, not shared with any scope. */
    public InMemorySchemaRegistryClient() {
    }

    /** The registry shared by everything in this JVM configured with {@code mock://<scope>}. */
    public static InMemorySchemaRegistryClient forScope(String scope) {
        return SCOPES.computeIfAbsent(scope, s -> new InMemorySchemaRegistryClient());
    }

    /** Forgets the registry of {@code scope} (tests call this to start clean). */
    public static void dropScope(String scope) {
        SCOPES.remove(scope);
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        List<Version> versions = subjects.get(subject);
        if (versions != null) {
            for (Version v : versions) {
                if (v.schema().equals(schema)) {
                    return v.id();
                }
            }
        }
        List<Version> existing = versions == null ? List.of() : versions;
        String level = compatibilityOf(subject);
        if (!Compatibility.isCompatible(level, schema, schemasOf(existing))) {
            throw new SchemaRegistryException("register", subject, null, 409, SchemaRegistryException.INCOMPATIBLE_SCHEMA,
                    "Schema being registered is incompatible with an earlier schema for subject \"" + subject
                            + "\" (compatibility " + level + ")", null);
        }
        int id = idsBySchemaText.computeIfAbsent(schema.toString(), text -> nextId++);
        schemasById.putIfAbsent(id, schema);
        int version = nextVersion.merge(subject, 1, Integer::sum);
        subjects.computeIfAbsent(subject, s -> new ArrayList<>()).add(new Version(version, id, schema));
        return id;
    }

    @Override
    public synchronized int lookup(String subject, Schema schema) {
        for (Version v : versionsOrThrow("lookup", subject)) {
            if (v.schema().equals(schema)) {
                return v.id();
            }
        }
        throw new SchemaRegistryException("lookup", subject, null, 404, SchemaRegistryException.SCHEMA_NOT_FOUND,
                "Schema not found", null);
    }

    @Override
    public synchronized Schema getById(int id) {
        Schema schema = schemasById.get(id);
        if (schema == null) {
            throw new SchemaRegistryException("get schema by id", null, id, 404, SchemaRegistryException.SCHEMA_NOT_FOUND,
                    "Schema " + id + " not found", null);
        }
        return schema;
    }

    @Override
    public synchronized RegisteredSchema getLatest(String subject) {
        List<Version> versions = versionsOrThrow("get latest version", subject);
        Version latest = versions.get(versions.size() - 1);
        return new RegisteredSchema(subject, latest.id(), latest.version(), latest.schema());
    }

    @Override
    public synchronized List<String> subjects() {
        return new ArrayList<>(new TreeMap<>(subjects).keySet());
    }

    @Override
    public synchronized List<Integer> versions(String subject) {
        return versionsOrThrow("list versions", subject).stream().map(Version::version).toList();
    }

    @Override
    public synchronized String getCompatibility(String subject) {
        return subject == null ? globalCompatibility : compatibilityOf(subject);
    }

    @Override
    public synchronized void setCompatibility(String subject, String level) {
        String normalized;
        try {
            normalized = Compatibility.normalize(level);
        } catch (IllegalArgumentException e) {
            throw new SchemaRegistryException("set compatibility", subject, null, 422,
                    SchemaRegistryException.INVALID_COMPATIBILITY_LEVEL, e.getMessage(), e);
        }
        if (subject == null) {
            globalCompatibility = normalized;
        } else {
            subjectCompatibility.put(subject, normalized);
        }
    }

    @Override
    public synchronized boolean testCompatibility(String subject, Schema schema) {
        List<Version> versions = subjects.getOrDefault(subject, List.of());
        return Compatibility.isCompatible(compatibilityOf(subject), schema, schemasOf(versions));
    }

    @Override
    public synchronized List<Integer> deleteSubject(String subject) {
        List<Integer> deleted = versions(subject);
        subjects.remove(subject);
        return deleted;
    }

    private String compatibilityOf(String subject) {
        return subjectCompatibility.getOrDefault(subject, globalCompatibility);
    }

    private List<Version> versionsOrThrow(String operation, String subject) {
        List<Version> versions = subjects.get(subject);
        if (versions == null || versions.isEmpty()) {
            throw new SchemaRegistryException(operation, subject, null, 404, SchemaRegistryException.SUBJECT_NOT_FOUND,
                    "Subject '" + subject + "' not found.", null);
        }
        return versions;
    }

    private static List<Schema> schemasOf(List<Version> versions) {
        return versions.stream().map(Version::schema).toList();
    }
}
