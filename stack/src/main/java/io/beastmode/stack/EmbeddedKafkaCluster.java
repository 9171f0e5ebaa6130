package io.beastmode.stack;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.internals.Exit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A real multi-broker Kafka cluster in KRaft mode inside this JVM, every listener on 127.0.0.1: N combined
 * broker+controller nodes (node ids 1..N) forming one static controller quorum ({@code controller.quorum.voters}),
 * each an {@link EmbeddedKafka} with its own log directory and ports. With 3 nodes every internal topic (consumer
 * offsets, transaction state, share state) and every topic created without an explicit factor gets replication
 * factor 3 and {@code min.insync.replicas} 2, so one node can be stopped while exactly-once producers keep writing
 * (2 in-sync replicas remain) and the controller quorum keeps its majority (2 of 3 voters).
 *
 * <p>This is the one-machine stand-in for a production cluster of one broker per host: the same quorum and replication
 * settings, only the addresses differ (see deploy/README.md, "Scale-out").
 */
public final class EmbeddedKafkaCluster implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaCluster.class);

    private final Path dataDir;
    private final String clusterId;
    private final int[] brokerPorts;
    private final int[] controllerPorts;
    private final Properties[] nodeProps;
    private final EmbeddedKafka[] nodes; // null while a node is stopped

    private EmbeddedKafkaCluster(Path dataDir, String clusterId, int[] brokerPorts, int[] controllerPorts,
                                 Properties[] nodeProps) {
        this.dataDir = dataDir;
        this.clusterId = clusterId;
        this.brokerPorts = brokerPorts;
        this.controllerPorts = controllerPorts;
        this.nodeProps = nodeProps;
        this.nodes = new EmbeddedKafka[brokerPorts.length];
    }

    /** Starts {@code size} nodes on free loopback ports with their data under a fresh temporary directory. */
    public static EmbeddedKafkaCluster start(int size) {
        try {
            return start(size, Files.createTempDirectory("beast-kafka-cluster-"), new Properties());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts {@code size} nodes with data under {@code dataDir}/node-{id}; {@code overrides} are applied to every
     * node last (e.g. {@code num.partitions}). The nodes start in parallel: a broker's start-up waits for the
     * controller quorum, which needs a majority of the nodes up.
     */
    public static EmbeddedKafkaCluster start(int size, Path dataDir, Properties overrides) {
        if (size < 1) {
            throw new IllegalArgumentException("a cluster needs at least one node: " + size);
        }
        int[] brokerPorts = new int[size];
        int[] controllerPorts = new int[size];
        for (int i = 0; i < size; i++) {
            brokerPorts[i] = Ports.freePort();
            controllerPorts[i] = Ports.freePort();
        }
        String voters = IntStream.range(0, size)
                .mapToObj(i -> (i + 1) + "@" + Ports.LOOPBACK + ":" + controllerPorts[i])
                .collect(Collectors.joining(","));
        Properties[] props = new Properties[size];
        for (int i = 0; i < size; i++) {
            props[i] = nodeProperties(dataDir.resolve("node-" + (i + 1)), i + 1, brokerPorts[i], controllerPorts[i],
                    voters, size);
            props[i].putAll(overrides);
        }
        EmbeddedKafkaCluster cluster = new EmbeddedKafkaCluster(dataDir, Uuid.randomUuid().toString(), brokerPorts,
                controllerPorts, props);
        try {
            cluster.startNodes(IntStream.range(0, size).boxed().toList());
        } catch (CompletionException e) {
            cluster.close();
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        log.info("Kafka cluster of {} nodes ready at {} (data in {})", size, cluster.bootstrapServers(), dataDir);
        return cluster;
    }

    /**
     * One node's properties: {@link EmbeddedKafka}'s single-node set with this node's id, the static voter list
     * instead of the single-node bootstrap, and replication factor min(3, size) / min ISR (factor - 1, at least 1)
     * for the internal topics and as the default of new topics.
     */
    static Properties nodeProperties(Path nodeDir, int nodeId, int brokerPort, int controllerPort, String voters,
                                     int size) {
        Properties p = EmbeddedKafka.brokerProperties(nodeDir.resolve("kraft-logs"), brokerPort, controllerPort);
        p.put("node.id", String.valueOf(nodeId));
        p.remove("controller.quorum.bootstrap.servers");
        p.put("controller.quorum.voters", voters);
        String rf = String.valueOf(Math.min(3, size));
        String minIsr = String.valueOf(Math.max(1, Math.min(3, size) - 1));
        p.put("offsets.topic.replication.factor", rf);
        p.put("transaction.state.log.replication.factor", rf);
        p.put("transaction.state.log.min.isr", minIsr);
        p.put("share.coordinator.state.topic.replication.factor", rf);
        p.put("share.coordinator.state.topic.min.isr", minIsr);
        p.put("default.replication.factor", rf);
        p.put("min.insync.replicas", minIsr);
        // No controlled shutdown: the last node's broker would wait 5 minutes for a quorum that its peers already
        // took down when the cluster closes. A stopped node is therefore a crashed broker for the others: its
        // partitions get new leaders once the controller fences it, after the broker session timeout (3 s here).
        p.put("controlled.shutdown.enable", "false");
        p.put("broker.session.timeout.ms", "3000");
        p.put("broker.heartbeat.interval.ms", "500");
        return p;
    }

    private void startNodes(List<Integer> indexes) {
        List<Runnable> starts = new ArrayList<>();
        for (int i : indexes) {
            starts.add(() -> nodes[i] = EmbeddedKafka.startNode(nodeDir(i), brokerPorts[i], controllerPorts[i],
                    nodeProps[i], clusterId, false));
        }
        inParallel(starts).join();
    }

    /** Runs each task on a thread of its own (the common pool has a single thread on 2 cores: starts would wait). */
    private static CompletableFuture<Void> inParallel(List<Runnable> tasks) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, tasks.size()), r -> {
            Thread t = new Thread(r, "beast-kafka-cluster");
            t.setDaemon(true);
            return t;
        });
        CompletableFuture<?>[] all = tasks.stream().map(t -> CompletableFuture.runAsync(t, pool))
                .toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(all).whenComplete((v, e) -> pool.shutdown());
    }

    private Path nodeDir(int index) {
        return dataDir.resolve("node-" + (index + 1));
    }

    /** Every broker's address, comma-separated, stopped ones included (clients skip those). */
    public String bootstrapServers() {
        return IntStream.of(brokerPorts).mapToObj(p -> Ports.LOOPBACK + ":" + p).collect(Collectors.joining(","));
    }

    public int size() {
        return brokerPorts.length;
    }

    /** The broker port of node {@code index} (0-based; its node id is index + 1). */
    public int brokerPort(int index) {
        return brokerPorts[index];
    }

    public boolean isRunning(int index) {
        return nodes[index] != null;
    }

    /**
     * Stops node {@code index} (0-based) without a controlled shutdown, as a crashed broker looks to the others:
     * its partitions' leadership moves to the other in-sync replicas once the controller fences it (broker session
     * timeout, 3 s), its controller leaves the quorum. Its data stays for {@link #restart(int)}.
     */
    public synchronized void stop(int index) {
        EmbeddedKafka node = nodes[index];
        if (node != null) {
            nodes[index] = null;
            withoutExit(node::close);
            log.info("Kafka node {} stopped", index + 1);
        }
    }

    /**
     * Runs a node shutdown with Kafka's exit and halt procedures replaced by a log line: a fault while a node
     * stops (e.g. its raft client not finishing a graceful shutdown in time) calls them, which would end the JVM
     * that hosts the other nodes and the tests.
     */
    private static void withoutExit(Runnable shutdown) {
        Exit.setExitProcedure((code, message) -> log.warn("Kafka asked to exit ({}): {}; ignored", code, message));
        Exit.setHaltProcedure((code, message) -> log.warn("Kafka asked to halt ({}): {}; ignored", code, message));
        try {
            shutdown.run();
        } finally {
            Exit.resetExitProcedure();
            Exit.resetHaltProcedure();
        }
    }

    /** Starts a stopped node again on the same ports and data (its replicas catch up from the others). */
    public synchronized void restart(int index) {
        if (nodes[index] == null) {
            nodes[index] = EmbeddedKafka.startNode(nodeDir(index), brokerPorts[index], controllerPorts[index],
                    nodeProps[index], clusterId, false);
        }
    }

    /**
     * Stops every running node in parallel (one after the other would leave the last broker's controlled shutdown
     * waiting for a quorum that is gone) and deletes the data.
     */
    @Override
    public synchronized void close() {
        List<Runnable> stops = new ArrayList<>();
        for (int i = 0; i < nodes.length; i++) {
            EmbeddedKafka node = nodes[i];
            nodes[i] = null;
            if (node != null) {
                stops.add(node::close);
            }
        }
        withoutExit(() -> inParallel(stops).exceptionally(e -> {
            log.warn("stopping the Kafka cluster: {}", e.toString());
            return null;
        }).join());
        EmbeddedKafka.deleteRecursively(dataDir);
    }
}
