package io.beastmode.stack;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

/**
 * A real single-node Kafka broker in KRaft mode (combined broker and controller) running inside this JVM, bound to
 * 127.0.0.1. Used by the embedded default of {@code beast demo}, by integration tests and, in a process of its own,
 * by {@code beast stack up}.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);

    private final Path dataDir;
    private final int brokerPort;
    private final int controllerPort;
    private final KafkaRaftServer server;
    private boolean deleteOnClose;

    private EmbeddedKafka(Path dataDir, int brokerPort, int controllerPort, KafkaRaftServer server) {
        this.dataDir = dataDir;
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
        this.server = server;
    }

    /** Starts a broker on free loopback ports with its data in a fresh temporary directory. */
    public static EmbeddedKafka start() {
        try {
            EmbeddedKafka kafka = start(Files.createTempDirectory("beast-kafka-"), Ports.freePort(), Ports.freePort(), new Properties());
            kafka.deleteOnClose = true;
            return kafka;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts a broker with its log directory under {@code dataDir}, formatting the storage on first use and reusing
     * it afterwards. {@code overrides} win over the defaults (e.g. {@code num.partitions}).
     */
    public static EmbeddedKafka start(Path dataDir, int brokerPort, int controllerPort, Properties overrides) {
        Properties props = brokerProperties(dataDir.resolve("kraft-logs"), brokerPort, controllerPort);
        props.putAll(overrides);
        return startNode(dataDir, brokerPort, controllerPort, props, Uuid.randomUuid().toString(), true);
    }

    /**
     * Starts one KRaft node with exactly {@code props} (its {@code log.dirs} under {@code dataDir}), formatting the
     * storage with {@code clusterId} on first use: {@code standalone} for a single-node dynamic quorum, otherwise
     * for the static quorum of {@code controller.quorum.voters} (the nodes of an {@link EmbeddedKafkaCluster}).
     * Returns when the broker listens; a broker of a multi-node cluster only returns once a controller quorum formed.
     */
    static EmbeddedKafka startNode(Path dataDir, int brokerPort, int controllerPort, Properties props, String clusterId, boolean standalone) {
        try {
            Files.createDirectories(dataDir);
            Path logDir = Path.of(props.getProperty("log.dirs"));
            Path propsFile = dataDir.resolve("server.properties");
            try (OutputStream out = Files.newOutputStream(propsFile)) {
                props.store(out, "written by beast-mode EmbeddedKafka");
            }
            if (!Files.exists(logDir.resolve("meta.properties"))) {
                format(propsFile, clusterId, standalone);
            }
            KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            server.startup();
            EmbeddedKafka kafka = new EmbeddedKafka(dataDir, brokerPort, controllerPort, server);
            kafka.awaitListening(Duration.ofSeconds(30));
            log.info("Kafka broker ready at {} (data in {})", kafka.bootstrapServers(), dataDir);
            return kafka;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded Kafka broker in " + dataDir, e);
        }
    }

    /** Broker properties for a single-node KRaft cluster; every internal topic gets replication factor 1. */
    static Properties brokerProperties(Path logDir, int brokerPort, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("listeners", "PLAINTEXT://" + Ports.LOOPBACK + ":" + brokerPort + ",CONTROLLER://" + Ports.LOOPBACK + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + Ports.LOOPBACK + ":" + brokerPort);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("controller.quorum.bootstrap.servers", Ports.LOOPBACK + ":" + controllerPort);
        p.put("log.dirs", logDir.toString());
        p.put("num.partitions", "3");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        p.put("log.segment.bytes", String.valueOf(64 * 1024 * 1024));
        return p;
    }

    private static void format(Path propsFile, String clusterId, boolean standalone) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        String[] args = standalone
                ? new String[]{"format", "--standalone", "-t", clusterId, "-c", propsFile.toString()}
                : new String[]{"format", "-t", clusterId, "-c", propsFile.toString()};
        int rc = StorageTool.execute(args, new PrintStream(captured, true, StandardCharsets.UTF_8));
        if (rc != 0) {
            throw new IllegalStateException("formatting Kafka storage failed (exit " + rc + "): "
                    + captured.toString(StandardCharsets.UTF_8));
        }
    }

    private void awaitListening(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Ports.isListening(Ports.LOOPBACK, brokerPort)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Kafka broker did not listen on " + bootstrapServers() + " within " + timeout);
            }
            sleep(50);
        }
    }

    public String bootstrapServers() {
        return Ports.LOOPBACK + ":" + brokerPort;
    }

    public int brokerPort() {
        return brokerPort;
    }

    public int controllerPort() {
        return controllerPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Blocks until the broker has shut down (for the standalone broker process). */
    public void awaitShutdown() {
        server.awaitShutdown();
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        if (deleteOnClose) {
            deleteRecursively(dataDir);
        }
    }

    static void deleteRecursively(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            log.warn("could not delete {}: {}", dir, e.toString());
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
