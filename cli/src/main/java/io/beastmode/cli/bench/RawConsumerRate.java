package io.beastmode.cli.bench;

import io.beastmode.topology.config.PipelineConfig;
import io.beastmode.topology.model.Observation;
import io.beastmode.topology.serde.PipelineSerdes;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The baseline of the throughput bench: a plain consumer that reads the four input topics from the beginning to their
 * end offsets and Avro-decodes every value with the pipeline's own registry deserializers. No processing, no state,
 * no output: the rate a Kafka application on this broker and machine cannot beat by much.
 */
public final class RawConsumerRate {

    public record Result(long records, long decoded, double seconds) {
        public double eventsPerSecond() {
            return seconds > 0 ? records / seconds : 0;
        }
    }

    private RawConsumerRate() {
    }

    public static Result run(PipelineConfig config, Duration timeout) {
        PipelineSerdes serdes = PipelineSerdes.of(config);
        Map<String, Deserializer<?>> byTopic = new HashMap<>();
        byTopic.put(config.topics().requests(), serdes.event(Observation.Kind.REQUEST).deserializer());
        byTopic.put(config.topics().cache(), serdes.event(Observation.Kind.CACHE).deserializer());
        byTopic.put(config.topics().selection(), serdes.event(Observation.Kind.SELECTION).deserializer());
        byTopic.put(config.topics().cost(), serdes.event(Observation.Kind.COST).deserializer());
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "beast-bench-raw-consumer");
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        long records = 0;
        long decoded = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : config.topics().inputs()) {
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(partitions));
            ends.values().removeIf(end -> end == 0);
            while (!ends.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("raw consumer: not at the end offsets after " + timeout);
                }
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    records++;
                    if (byTopic.get(r.topic()).deserialize(r.topic(), r.headers(), r.value()) != null) {
                        decoded++;
                    }
                }
                for (TopicPartition tp : batch.partitions()) {
                    Long end = ends.get(tp);
                    if (end != null && consumer.position(tp) >= end) {
                        ends.remove(tp);
                    }
                }
            }
        }
        return new Result(records, decoded, (System.nanoTime() - t0) / 1e9);
    }
}
