package io.beastmode.clients;

import io.beastmode.analytics.v1.OptimizationProposal;
import io.beastmode.schemas.Topics;
import io.beastmode.serde.BeastAvroDeserializer;
import io.beastmode.serde.BeastSerdeConfig;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * The routing layer's view of {@code beast.proposals.v1}: reads the compacted topic from the beginning as a table
 * (latest value per key, a tombstone removes the key) and calls {@link ProposalListener#onChange} for every change.
 * Every router instance needs the whole table, so partitions are assigned (no consumer group, no offsets committed)
 * and the table is rebuilt from the topic at each start. Runs on its own daemon thread; {@link #close()} stops it.
 */
public final class ProposalSubscriber implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProposalSubscriber.class);
    private static final Duration PARTITION_REFRESH = Duration.ofSeconds(30);

    static {
        AvroTrust.ensure();
    }

    private final Consumer<String, byte[]> consumer;
    private final BeastAvroDeserializer<OptimizationProposal> deserializer;
    private final String topic;
    private final ProposalListener listener;
    private final BiConsumer<ConsumerRecord<String, byte[]>, Exception> errorHandler;
    private final Map<String, OptimizationProposal> table = new ConcurrentHashMap<>();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final Thread thread;
    private volatile boolean running;
    private volatile Throwable failure;

    private ProposalSubscriber(Builder b, Consumer<String, byte[]> consumer, BeastAvroDeserializer<OptimizationProposal> deserializer) {
        this.consumer = consumer;
        this.deserializer = deserializer;
        this.topic = b.topic;
        this.listener = b.listener;
        this.errorHandler = b.errorHandler;
        this.thread = new Thread(this::run, "beast-proposal-subscriber-" + topic);
        this.thread.setDaemon(true);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts the reading thread; returns at once. */
    public ProposalSubscriber start() {
        if (running || thread.getState() != Thread.State.NEW) {
            throw new IllegalStateException("already started");
        }
        running = true;
        thread.start();
        return this;
    }

    /**
     * Waits until the table holds everything that was on the topic when the subscriber started (the end offsets at
     * start have been reached). Returns false on timeout.
     */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** An immutable copy of the table: target key ({@code TYPE:key}) to latest proposal. */
    public Map<String, OptimizationProposal> snapshot() {
        return Map.copyOf(table);
    }

    public Optional<OptimizationProposal> get(String key) {
        return Optional.ofNullable(table.get(key));
    }

    /** Records applied to the table (inserts, updates, tombstones). */
    public long recordsApplied() {
        return applied.get();
    }

    /** Records skipped because they could not be decoded. */
    public long recordsSkipped() {
        return skipped.get();
    }

    public boolean isRunning() {
        return running && thread.isAlive();
    }

    /** The error that stopped the thread, if any. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    private void run() {
        try {
            Map<TopicPartition, Long> endAtStart = assignAll();
            long nextRefresh = System.nanoTime() + PARTITION_REFRESH.toNanos();
            checkCaughtUp(endAtStart);
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<String, byte[]> record : records) {
                    apply(record);
                }
                if (caughtUp.getCount() > 0) {
                    checkCaughtUp(endAtStart);
                }
                if (System.nanoTime() > nextRefresh) {
                    // Partitions added to the topic after start would otherwise never be read.
                    assignNew();
                    nextRefresh = System.nanoTime() + PARTITION_REFRESH.toNanos();
                }
            }
        } catch (WakeupException e) {
            if (running) {
                failure = e;
            }
        } catch (Throwable t) {
            failure = t;
            log.error("proposal subscriber on {} stopped", topic, t);
        } finally {
            running = false;
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                log.debug("closing consumer", e);
            }
            deserializer.close();
            stopped.countDown();
        }
    }

    private Map<TopicPartition, Long> assignAll() {
        List<TopicPartition> partitions = partitions();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return new HashMap<>(consumer.endOffsets(partitions));
    }

    private void assignNew() {
        List<TopicPartition> all = partitions();
        if (!consumer.assignment().containsAll(all)) {
            List<TopicPartition> added = all.stream().filter(p -> !consumer.assignment().contains(p)).toList();
            consumer.assign(all);
            consumer.seekToBeginning(added);
            log.info("proposal subscriber now reads new partitions {}", added);
        }
    }

    private List<TopicPartition> partitions() {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist (create it with TopicAdmin.ensureTopics)");
        }
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : infos) {
            partitions.add(new TopicPartition(info.topic(), info.partition()));
        }
        return partitions;
    }

    private void checkCaughtUp(Map<TopicPartition, Long> endAtStart) {
        for (Map.Entry<TopicPartition, Long> end : endAtStart.entrySet()) {
            if (consumer.position(end.getKey()) < end.getValue()) {
                return;
            }
        }
        caughtUp.countDown();
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        String key = record.key();
        if (key == null) {
            skipped.incrementAndGet();
            errorHandler.accept(record, new IllegalArgumentException("proposal record without key"));
            return;
        }
        OptimizationProposal value;
        try {
            value = record.value() == null ? null : deserializer.deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
            skipped.incrementAndGet();
            errorHandler.accept(record, e);
            return;
        }
        OptimizationProposal old = value == null ? table.remove(key) : table.put(key, value);
        applied.incrementAndGet();
        if (old == null && value == null) {
            return; // tombstone for a key we never saw (already compacted away): nothing changed
        }
        if (Objects.equals(old, value)) {
            return;
        }
        try {
            listener.onChange(key, old, value);
        } catch (RuntimeException e) {
            log.warn("proposal listener threw for key {}", key, e);
        }
    }

    /** Stops the thread and waits for it (at most 10 s). */
    @Override
    public void close() {
        boolean wasStarted = thread.getState() != Thread.State.NEW;
        running = false;
        if (!wasStarted) {
            consumer.close(Duration.ZERO);
            deserializer.close();
            return;
        }
        consumer.wakeup();
        try {
            stopped.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static final class Builder {
        private String bootstrapServers;
        private String registryUrl;
        private String topic = Topics.PROPOSALS;
        private ProposalListener listener = (k, o, n) -> { };
        private BiConsumer<ConsumerRecord<String, byte[]>, Exception> errorHandler = (r, e) ->
                log.warn("skipping undecodable proposal at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
        private final Map<String, Object> consumerProps = new HashMap<>();
        private final Map<String, Object> serdeProps = new HashMap<>();

        private Builder() {
        }

        public Builder bootstrapServers(String servers) {
            this.bootstrapServers = servers;
            return this;
        }

        public Builder registryUrl(String url) {
            this.registryUrl = url;
            return this;
        }

        /** Reads this topic instead of {@code beast.proposals.v1}. */
        public Builder topic(String topic) {
            this.topic = Objects.requireNonNull(topic);
            return this;
        }

        public Builder listener(ProposalListener listener) {
            this.listener = Objects.requireNonNull(listener);
            return this;
        }

        /** Called for records that cannot be decoded (they are skipped); default logs a warning. */
        public Builder errorHandler(BiConsumer<ConsumerRecord<String, byte[]>, Exception> handler) {
            this.errorHandler = Objects.requireNonNull(handler);
            return this;
        }

        public Builder consumerProperty(String key, Object value) {
            consumerProps.put(key, value);
            return this;
        }

        public Builder serdeProperty(String key, Object value) {
            serdeProps.put(key, value);
            return this;
        }

        /** Builds a stopped subscriber; call {@link ProposalSubscriber#start()}. */
        public ProposalSubscriber build() {
            if (bootstrapServers == null || registryUrl == null) {
                throw new IllegalStateException("bootstrapServers and registryUrl are required");
            }
            Map<String, Object> props = new HashMap<>();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            // Only committed proposals: the pipeline writes them in exactly-once transactions.
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            props.put(ConsumerConfig.CLIENT_ID_CONFIG, "beast-proposal-subscriber");
            props.putAll(consumerProps);
            Map<String, Object> serde = new HashMap<>(serdeProps);
            serde.put(BeastSerdeConfig.SCHEMA_REGISTRY_URL, registryUrl);
            BeastAvroDeserializer<OptimizationProposal> deserializer = new BeastAvroDeserializer<>(OptimizationProposal.class);
            deserializer.configure(serde, false);
            KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
            return new ProposalSubscriber(this, consumer, deserializer);
        }
    }
}
