package io.beastmode.topology.http;

import io.beastmode.serde.BeastAvroDeserializer;
import io.beastmode.serde.BeastSerdeConfig;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the insight application's output topics (anomalies, proposals, outcomes) from the beginning, committed
 * records only, into an {@link InsightView} for the dashboard and {@code /metrics}. Partitions are assigned (no
 * consumer group), and topics or partitions that appear later are picked up. The insight application is a separate
 * Kafka Streams app; reading its topics, as any consumer would, keeps the two decoupled and shows every instance
 * the same view whichever one runs the single insight task.
 */
public final class InsightFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InsightFeed.class);
    private static final long REFRESH_MS = 10_000;

    private final InsightView view = new InsightView();
    private final List<String> topics;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final BeastAvroDeserializer<Object> deserializer = new BeastAvroDeserializer<>();
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * @param clientProps other client settings of the pipeline (security and the like); only those a consumer
     *                    knows are used
     */
    public InsightFeed(String bootstrapServers, Map<String, ?> serdeConfigs, List<String> topics,
                       Map<String, String> clientProps) {
        this.topics = List.copyOf(topics);
        Map<String, Object> props = new HashMap<>();
        clientProps.forEach((k, v) -> {
            if (ConsumerConfig.configNames().contains(k) || AdminClientConfig.configNames().contains(k)) {
                props.put(k, v);
            }
        });
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "beast-insight-feed");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        Map<String, Object> serde = new HashMap<>(serdeConfigs);
        serde.put(BeastSerdeConfig.SPECIFIC_AVRO_READER, true);
        deserializer.configure(serde, false);
        thread = new Thread(this::loop, "beast-insight-feed");
        thread.setDaemon(true);
        thread.start();
    }

    public InsightView view() {
        return view;
    }

    private void loop() {
        Set<TopicPartition> assigned = new HashSet<>();
        long nextRefresh = 0;
        try {
            while (running) {
                if (System.currentTimeMillis() >= nextRefresh) {
                    try {
                        assigned = refresh(assigned);
                    } catch (org.apache.kafka.common.errors.TimeoutException e) {
                        LOG.debug("cannot list topics yet: {}", e.toString()); // broker busy or starting: retry
                    }
                    nextRefresh = System.currentTimeMillis() + REFRESH_MS;
                }
                if (assigned.isEmpty()) {
                    Thread.sleep(500);
                    continue;
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.value() == null) {
                        continue; // a tombstone on the compacted proposals topic
                    }
                    try {
                        view.add(deserializer.deserialize(r.topic(), r.value()));
                    } catch (RuntimeException e) {
                        LOG.debug("undecodable record {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.toString());
                        view.undecodable();
                    }
                }
            }
        } catch (WakeupException | InterruptedException e) {
            // close() asked us to stop
        } catch (RuntimeException e) {
            LOG.warn("insight feed stopped: {}", e.toString());
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
            deserializer.close();
        }
    }

    /** Adds the partitions of the topics that exist now; the ones already assigned keep their positions. */
    private Set<TopicPartition> refresh(Set<TopicPartition> assigned) {
        Set<TopicPartition> now = new HashSet<>(assigned);
        Map<String, List<PartitionInfo>> all = consumer.listTopics(Duration.ofSeconds(10));
        for (String t : topics) {
            for (PartitionInfo p : all.getOrDefault(t, List.of())) {
                now.add(new TopicPartition(t, p.partition()));
            }
        }
        if (!now.equals(assigned)) {
            List<TopicPartition> added = new ArrayList<>(now);
            added.removeAll(assigned);
            consumer.assign(now);
            consumer.seekToBeginning(added);
        }
        return now;
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
