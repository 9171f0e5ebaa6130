package io.beastmode.registry;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The registry's compatibility levels and the Avro check behind them. */
public final class Compatibility {
    public static final String NONE = "NONE";
    public static final String BACKWARD = "BACKWARD";
    public static final String BACKWARD_TRANSITIVE = "BACKWARD_TRANSITIVE";
    public static final String FORWARD = "FORWARD";
    public static final String FORWARD_TRANSITIVE = "FORWARD_TRANSITIVE";
    public static final String FULL = "FULL";
    public static final String FULL_TRANSITIVE = "FULL_TRANSITIVE";

    public static final Set<String> LEVELS = Set.of(NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE,
            FULL, FULL_TRANSITIVE);

    private Compatibility() {
    }

    /** The level in upper case, or an IllegalArgumentException naming the valid ones. */
    public static String normalize(String level) {
        String upper = level == null ? "" : level.trim().toUpperCase(Locale.ROOT);
        if (!LEVELS.contains(upper)) {
            throw new IllegalArgumentException("unknown compatibility level '" + level + "', expected one of " + LEVELS);
        }
        return upper;
    }

    /**
     * Whether {@code candidate} may follow {@code existing} (oldest first) under {@code level}. BACKWARD: the new
     * schema reads data written with the old one; FORWARD: the old reads the new; FULL: both. Non-transitive levels
     * compare against the newest existing schema only.
     */
    public static boolean isCompatible(String level, Schema candidate, List<Schema> existing) {
        String normalized = normalize(level);
        if (existing.isEmpty() || NONE.equals(normalized)) {
            return true;
        }
        List<Schema> against = normalized.endsWith("_TRANSITIVE") ? existing : List.of(existing.get(existing.size() - 1));
        boolean backward = normalized.startsWith("BACKWARD") || normalized.startsWith("FULL");
        boolean forward = normalized.startsWith("FORWARD") || normalized.startsWith("FULL");
        for (Schema old : against) {
            if (backward && !canRead(candidate, old)) {
                return false;
            }
            if (forward && !canRead(old, candidate)) {
                return false;
            }
        }
        return true;
    }

    private static boolean canRead(Schema reader, Schema writer) {
        return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType()
                == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
    }
}
