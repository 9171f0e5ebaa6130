package io.beastmode.clients;

import io.beastmode.schemas.Topics.TopicSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.LeaderNotAvailableException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Topic creation as code: makes the broker match {@link io.beastmode.schemas.Topics} (partitions, replication and
 * configs such as compaction for proposals). Idempotent: topics that exist are left alone, except that configs of the
 * spec that differ on the broker are reported and, unless disabled, altered back to the spec. Partition counts are
 * never changed (growing them would move keys between partitions, shrinking is impossible), only reported.
 */
public final class TopicAdmin implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TopicAdmin.class);

    /** A config of an existing topic that differs from its spec. {@code actual} is null when the broker has none. */
    public record ConfigDrift(String topic, String config, String expected, String actual) {
    }

    /** An existing topic whose partition count differs from its spec (never changed automatically). */
    public record PartitionDrift(String topic, int expected, int actual) {
    }

    /**
     * What {@link #ensureTopics} did: topics it created, topics that already existed, config drifts found (and
     * whether they were altered) and partition drifts found.
     */
    public record EnsureReport(List<String> created, List<String> existing, List<ConfigDrift> configDrifts,
                               boolean driftsAltered, List<PartitionDrift> partitionDrifts) {
        public boolean changedAnything() {
            return !created.isEmpty() || (driftsAltered && !configDrifts.isEmpty());
        }
    }

    private final Admin admin;
    private final boolean ownsAdmin;
    private final Duration timeout;
    private boolean alterDrift = true;
    private int replicationFactor = -1;

    /** Wraps an existing {@link Admin}; closing this does not close it. */
    public TopicAdmin(Admin admin) {
        this(admin, false, Duration.ofSeconds(30));
    }

    private TopicAdmin(Admin admin, boolean ownsAdmin, Duration timeout) {
        this.admin = admin;
        this.ownsAdmin = ownsAdmin;
        this.timeout = timeout;
    }

    /** Connects to {@code bootstrapServers}; {@code extra} adds admin client settings (security, timeouts). */
    public static TopicAdmin connect(String bootstrapServers, Map<String, ?> extra) {
        Map<String, Object> props = new HashMap<>(extra == null ? Map.of() : extra);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "beast-topic-admin");
        return new TopicAdmin(Admin.create(props), true, Duration.ofSeconds(30));
    }

    public static TopicAdmin connect(String bootstrapServers) {
        return connect(bootstrapServers, Map.of());
    }

    /** Whether config drifts are altered back to the spec (default) or only reported. */
    public TopicAdmin alterDrift(boolean alter) {
        this.alterDrift = alter;
        return this;
    }

    /** Replication factor for new topics; default min(3, number of brokers). */
    public TopicAdmin replicationFactor(int factor) {
        if (factor < 1) {
            throw new IllegalArgumentException("replication factor must be >= 1, was " + factor);
        }
        this.replicationFactor = factor;
        return this;
    }

    /** Creates the missing topics of {@code specs}, checks the existing ones, and says what it did. */
    public EnsureReport ensureTopics(Collection<TopicSpec> specs) {
        Map<String, TopicSpec> byName = new LinkedHashMap<>();
        for (TopicSpec spec : specs) {
            byName.put(spec.name(), spec);
        }
        Set<String> present = get(admin.listTopics().names());
        List<String> created = new ArrayList<>();
        List<String> existing = new ArrayList<>();
        List<NewTopic> toCreate = new ArrayList<>();
        short rf = (short) effectiveReplicationFactor();
        for (TopicSpec spec : byName.values()) {
            if (present.contains(spec.name())) {
                existing.add(spec.name());
            } else {
                toCreate.add(new NewTopic(spec.name(), spec.partitions(), rf).configs(creationConfigs(spec, rf)));
            }
        }
        if (!toCreate.isEmpty()) {
            Map<String, KafkaFuture<Void>> results = admin.createTopics(toCreate).values();
            for (Map.Entry<String, KafkaFuture<Void>> r : results.entrySet()) {
                try {
                    get(r.getValue());
                    created.add(r.getKey());
                    log.info("created topic {} ({} partitions, rf {}, {})", r.getKey(), byName.get(r.getKey()).partitions(), rf,
                            byName.get(r.getKey()).configs());
                } catch (KafkaOperationException e) {
                    // Another process created it between our list and create: it exists now, check it like the others.
                    if (e.getCause() instanceof TopicExistsException) {
                        existing.add(r.getKey());
                    } else {
                        throw e;
                    }
                }
            }
        }
        if (!created.isEmpty()) {
            awaitVisible(created);
        }
        List<PartitionDrift> partitionDrifts = partitionDrifts(existing, byName);
        List<ConfigDrift> drifts = configDrifts(existing, byName);
        if (!drifts.isEmpty()) {
            if (alterDrift) {
                alter(drifts);
                awaitConfigs(drifts);
            }
            for (ConfigDrift d : drifts) {
                log.warn("topic {} config {} is '{}' but the spec says '{}'{}", d.topic(), d.config(), d.actual(), d.expected(),
                        alterDrift ? "; altered" : "; left as is");
            }
        }
        return new EnsureReport(List.copyOf(created), List.copyOf(existing), List.copyOf(drifts), alterDrift && !drifts.isEmpty(),
                List.copyOf(partitionDrifts));
    }

    /** Deletes the given topics that exist (for reset/clean commands) and returns the ones it deleted. */
    public List<String> deleteTopics(Collection<String> topics) {
        Set<String> present = get(admin.listTopics().names());
        List<String> toDelete = topics.stream().filter(present::contains).distinct().toList();
        if (toDelete.isEmpty()) {
            return List.of();
        }
        List<String> deleted = new ArrayList<>();
        for (Map.Entry<String, KafkaFuture<Void>> r : admin.deleteTopics(toDelete).topicNameValues().entrySet()) {
            try {
                get(r.getValue());
                deleted.add(r.getKey());
            } catch (KafkaOperationException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
        }
        log.info("deleted topics {}", deleted);
        return List.copyOf(deleted);
    }

    /** The current value of every config named in the spec for each topic, as the broker reports them. */
    public Map<String, Map<String, String>> describeConfigs(Collection<String> topics) {
        List<ConfigResource> resources = topics.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        Map<ConfigResource, Config> configs = get(admin.describeConfigs(resources).all());
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        for (Map.Entry<ConfigResource, Config> e : configs.entrySet()) {
            Map<String, String> values = new LinkedHashMap<>();
            for (ConfigEntry entry : e.getValue().entries()) {
                values.put(entry.name(), entry.value());
            }
            out.put(e.getKey().name(), values);
        }
        return out;
    }

    /**
     * Creation returns when the controller has the topic; the leader broker starts serving its partitions a moment
     * later. Producing before that gets NOT_LEADER_OR_FOLLOWER, which can leave an idempotent producer stuck on
     * OUT_OF_ORDER_SEQUENCE_NUMBER until its delivery timeout. So wait until every leader answers a list-offsets
     * request for its partitions: then callers can produce, describe or alter right away.
     */
    private void awaitVisible(List<String> topics) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                Map<String, TopicDescription> d = get(admin.describeTopics(topics).allTopicNames());
                boolean led = d.values().stream().allMatch(t -> t.partitions().stream().allMatch(p -> p.leader() != null));
                if (led) {
                    Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
                    d.values().forEach(t -> t.partitions().forEach(p -> partitions.put(new TopicPartition(t.name(), p.partition()),
                            OffsetSpec.latest())));
                    get(admin.listOffsets(partitions).all());
                    return;
                }
            } catch (KafkaOperationException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
                        && !(e.getCause() instanceof NotLeaderOrFollowerException)
                        && !(e.getCause() instanceof LeaderNotAvailableException)) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new KafkaOperationException("topics " + topics + " were created but are not visible after " + timeout, null);
            }
            sleep();
        }
    }

    /** Altered configs reach the brokers through metadata a moment after the call returns; wait for that. */
    private void awaitConfigs(List<ConfigDrift> drifts) {
        List<String> topics = drifts.stream().map(ConfigDrift::topic).distinct().toList();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Map<String, Map<String, String>> now = describeConfigs(topics);
            if (drifts.stream().allMatch(d -> d.expected().equals(now.getOrDefault(d.topic(), Map.of()).get(d.config())))) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new KafkaOperationException("altered configs " + drifts + " not in effect after " + timeout, null);
            }
            sleep();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaOperationException("interrupted while waiting for the broker", e);
        }
    }

    /**
     * The spec's configs plus, when replicated 3 or more times and the spec does not say otherwise,
     * {@code min.insync.replicas} = factor - 1: acks=all (every exactly-once producer) then survives one broker down
     * but never acknowledges a write held by a single replica.
     */
    static Map<String, String> creationConfigs(TopicSpec spec, int replicationFactor) {
        Map<String, String> configs = new LinkedHashMap<>(spec.configs());
        if (replicationFactor >= 3) {
            configs.putIfAbsent("min.insync.replicas", String.valueOf(replicationFactor - 1));
        }
        return configs;
    }

    private int effectiveReplicationFactor() {
        if (replicationFactor > 0) {
            return replicationFactor;
        }
        int brokers = get(admin.describeCluster().nodes()).size();
        return Math.max(1, Math.min(3, brokers));
    }

    private List<PartitionDrift> partitionDrifts(List<String> existing, Map<String, TopicSpec> byName) {
        if (existing.isEmpty()) {
            return List.of();
        }
        Map<String, TopicDescription> descriptions = get(admin.describeTopics(existing).allTopicNames());
        List<PartitionDrift> drifts = new ArrayList<>();
        for (String topic : existing) {
            int actual = descriptions.get(topic).partitions().size();
            int expected = byName.get(topic).partitions();
            if (actual != expected) {
                log.warn("topic {} has {} partitions, the spec says {}; not changed", topic, actual, expected);
                drifts.add(new PartitionDrift(topic, expected, actual));
            }
        }
        return drifts;
    }

    private List<ConfigDrift> configDrifts(List<String> existing, Map<String, TopicSpec> byName) {
        if (existing.isEmpty()) {
            return List.of();
        }
        Map<String, Map<String, String>> actual = describeConfigs(existing);
        List<ConfigDrift> drifts = new ArrayList<>();
        for (String topic : existing) {
            Map<String, String> values = actual.getOrDefault(topic, Map.of());
            for (Map.Entry<String, String> want : byName.get(topic).configs().entrySet()) {
                String have = values.get(want.getKey());
                if (!want.getValue().equals(have)) {
                    drifts.add(new ConfigDrift(topic, want.getKey(), want.getValue(), have));
                }
            }
        }
        return drifts;
    }

    private void alter(List<ConfigDrift> drifts) {
        Map<ConfigResource, Collection<AlterConfigOp>> ops = new LinkedHashMap<>();
        for (ConfigDrift d : drifts) {
            ops.computeIfAbsent(new ConfigResource(ConfigResource.Type.TOPIC, d.topic()), k -> new ArrayList<>())
                    .add(new AlterConfigOp(new ConfigEntry(d.config(), d.expected()), AlterConfigOp.OpType.SET));
        }
        get(admin.incrementalAlterConfigs(ops).all());
    }

    private <T> T get(KafkaFuture<T> future) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaOperationException("interrupted while waiting for the broker", e);
        } catch (ExecutionException e) {
            throw new KafkaOperationException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaOperationException("no answer from the broker within " + timeout, e);
        }
    }

    @Override
    public void close() {
        if (ownsAdmin) {
            admin.close(Duration.ofSeconds(5));
        }
    }

    /** A broker operation failed; the cause is the Kafka exception. */
    public static final class KafkaOperationException extends RuntimeException {
        KafkaOperationException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
