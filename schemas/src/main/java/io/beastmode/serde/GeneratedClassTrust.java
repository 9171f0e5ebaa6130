package io.beastmode.serde;

import org.apache.avro.Schema;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Since 1.12.1 Avro loads no class by name unless it is trusted (CVE-2024-47561), and reading into a generated
 * class resolves that class and its nested enums and records by name. We trust exactly the named types of the
 * reader schemas we were asked to read into, so no {@code -Dorg.apache.avro.SERIALIZABLE_PACKAGES} is needed and
 * a schema from the wire can never make Avro load an arbitrary class. The JVM-wide predicate is extended, not replaced.
 */
final class GeneratedClassTrust {
    private static final Set<String> TRUSTED_NAMES = ConcurrentHashMap.newKeySet();
    private static final ClassSecurityPredicate TRUST_READER_TYPES = type -> TRUSTED_NAMES.contains(type.getName());
    private static ClassSecurityPredicate installed;

    private GeneratedClassTrust() {
    }

    /** Trusts the classes of every named type (records, enums, fixed) in {@code readerSchema}. */
    static void trustNamedTypesOf(Schema readerSchema) {
        collectNames(readerSchema, TRUSTED_NAMES, new java.util.HashSet<>());
        synchronized (GeneratedClassTrust.class) {
            // Someone may have replaced the global predicate since we installed ours: wrap theirs again.
            if (installed == null || ClassSecurityValidator.getGlobal() != installed) {
                installed = ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(), TRUST_READER_TYPES);
                ClassSecurityValidator.setGlobal(installed);
            }
        }
    }

    private static void collectNames(Schema schema, Set<String> names, Set<Schema> seen) {
        if (!seen.add(schema)) {
            return;
        }
        switch (schema.getType()) {
            case RECORD -> {
                names.add(schema.getFullName());
                schema.getFields().forEach(field -> collectNames(field.schema(), names, seen));
            }
            case ENUM, FIXED -> names.add(schema.getFullName());
            case ARRAY -> collectNames(schema.getElementType(), names, seen);
            case MAP -> collectNames(schema.getValueType(), names, seen);
            case UNION -> schema.getTypes().forEach(branch -> collectNames(branch, names, seen));
            default -> {
            }
        }
    }
}
