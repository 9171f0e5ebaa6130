package io.beastmode.cli;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the committed records that arrive on some topics from now on, in a background thread (the demo's
 * "windows emitted" and "dead letters"). Values are not decoded: a count needs no schema. Reads only committed
 * records, as the pipeline writes with exactly-once transactions.
 */
final class TopicCounter implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Exception failure;
    private final java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> onRecord;

    TopicCounter(String bootstrapServers, Collection<String> topics) {
        this(bootstrapServers, topics, r -> { });
    }

    /** @param onRecord called on the counter's thread for every committed record, after it is counted */
    TopicCounter(String bootstrapServers, Collection<String> topics,
                 java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> onRecord) {
        this.onRecord = onRecord;
        topics.forEach(t -> counts.put(t, new AtomicLong()));
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.CLIENT_ID_CONFIG, "beast-demo-counter"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        // Assigned, not subscribed: no consumer group to leave behind, and counting starts at once.
        List<TopicPartition> partitions = topics.stream()
                .flatMap(t -> consumer.partitionsFor(t, Duration.ofSeconds(30)).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())))
                .toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // fix "from now on" before any record is produced
        thread = new Thread(this::loop, "beast-topic-counter");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    counts.get(r.topic()).incrementAndGet();
                    onRecord.accept(r);
                }
            }
        } catch (WakeupException e) {
            // close() asked us to stop
        } catch (Exception e) {
            failure = e;
        } finally {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(2)));
        }
    }

    long count(String topic) {
        if (failure != null) {
            throw new IllegalStateException("counting records on " + counts.keySet() + " failed: " + failure.getMessage(), failure);
        }
        return counts.get(topic).get();
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
