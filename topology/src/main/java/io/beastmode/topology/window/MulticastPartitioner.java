package io.beastmode.topology.window;

import io.beastmode.topology.model.Shuffled;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Partitions the by-dimension repartition topic: observations by the default hash of their string key (the same as
 * Kafka's default partitioner, so interactive queries find the owner of a key), watermarks to every partition
 * (KIP-837 multicast).
 */
public final class MulticastPartitioner implements StreamPartitioner<String, Shuffled> {

    @Override
    public Optional<Set<Integer>> partitions(String topic, String key, Shuffled value, int numPartitions) {
        if (value != null && value.isWatermark()) {
            return Optional.of(IntStream.range(0, numPartitions).boxed().collect(Collectors.toSet()));
        }
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        return Optional.of(Set.of(Utils.toPositive(Utils.murmur2(bytes)) % numPartitions));
    }
}
