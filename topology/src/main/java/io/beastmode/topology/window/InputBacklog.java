package io.beastmode.topology.window;

import java.util.List;
import java.util.Set;

/**
 * Which of a decode task's input topics had records waiting for it when it started. A topic with records waiting holds
 * the task's watermark until its first record is read (or it has been silent for {@code watermark.idle}): Kafka
 * Streams does not wait for it (the pipeline runs with {@code max.task.idle.ms=-1}), so the other topics' newer
 * records could otherwise close windows its older records belong to. A topic with nothing waiting holds nothing, as
 * Kafka Streams' own wait skipped partitions known to have no lag.
 */
@FunctionalInterface
public interface InputBacklog {

    /** When unsure, every topic: holding windows a while is safe, closing them early is not. */
    InputBacklog EVERY_TOPIC = (topics, partition) -> Set.copyOf(topics);

    /**
     * @param topics    the task's input topics
     * @param partition the task's partition of each
     * @return the topics whose partition had records to read from the task's committed position
     */
    Set<String> topicsWithRecordsToRead(List<String> topics, int partition);
}
