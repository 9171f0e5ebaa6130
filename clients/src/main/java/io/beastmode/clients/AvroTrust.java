package io.beastmode.clients;

import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro 1.12 refuses to load classes named in schemas unless they are trusted (a guard against gadget classes in
 * untrusted schemas). Our generated contract classes must be loadable to decode into them or deep-copy them, so
 * this adds the {@code io.beastmode.} packages to the global predicate, keeping whatever was trusted before (the JDK
 * defaults and the {@code org.apache.avro.SERIALIZABLE_*} system properties). Idempotent.
 */
public final class AvroTrust {
    private static volatile boolean installed;

    private AvroTrust() {
    }

    public static synchronized void ensure() {
        if (installed) {
            return;
        }
        ClassSecurityValidator.ClassSecurityPredicate previous = ClassSecurityValidator.getGlobal();
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(previous,
                type -> type.getName().startsWith("io.beastmode.")));
        installed = true;
    }
}
