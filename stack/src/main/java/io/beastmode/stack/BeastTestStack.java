package io.beastmode.stack;

/**
 * One real broker and one real registry shared by every integration test of a JVM (starting them takes seconds, so
 * test classes share them and use their own topic names). Stopped by a shutdown hook.
 */
public final class BeastTestStack {
    private static EmbeddedKafka kafka;
    private static ApicurioRegistry registry;

    private BeastTestStack() {
    }

    public static synchronized EmbeddedKafka kafka() {
        if (kafka == null) {
            kafka = EmbeddedKafka.start();
            Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "beast-test-kafka-stop"));
        }
        return kafka;
    }

    public static synchronized ApicurioRegistry registry() {
        if (registry == null) {
            registry = ApicurioRegistry.start();
            Runtime.getRuntime().addShutdownHook(new Thread(registry::close, "beast-test-registry-stop"));
        }
        return registry;
    }

    public static String bootstrapServers() {
        return kafka().bootstrapServers();
    }

    public static String registryUrl() {
        return registry().confluentUrl();
    }
}
