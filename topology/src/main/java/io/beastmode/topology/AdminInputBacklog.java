package io.beastmode.topology;

import io.beastmode.topology.window.InputBacklog;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@link InputBacklog} from the broker: a topic partition has records waiting when its end offset lies past the
 * application's committed offset (or, with none committed, its start offset: the pipeline reads from the earliest).
 * Asked once per decode task start, from the stream thread. When the broker cannot answer in time every topic counts
 * as waiting, so the task holds its watermark until each topic's first record or {@code watermark.idle}.
 */
final class AdminInputBacklog implements InputBacklog, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AdminInputBacklog.class);

    private final Admin admin;
    private final String groupId;
    private final Duration timeout;

    AdminInputBacklog(Map<String, Object> adminConfig, String groupId, Duration timeout) {
        this.admin = Admin.create(adminConfig);
        this.groupId = groupId;
        this.timeout = timeout;
    }

    @Override
    public Set<String> topicsWithRecordsToRead(List<String> topics, int partition) {
        try {
            Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            for (String topic : topics) {
                // A topic with fewer partitions has none for this task.
                if (described.get(topic).partitions().size() > partition) {
                    latest.put(new TopicPartition(topic, partition), OffsetSpec.latest());
                    earliest.put(new TopicPartition(topic, partition), OffsetSpec.earliest());
                }
            }
            // Asked together: the task's start waits for the slowest answer, not for the three in a row.
            var committedFuture = admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata();
            var endsFuture = admin.listOffsets(latest).all();
            var startsFuture = admin.listOffsets(earliest).all();
            Map<TopicPartition, OffsetAndMetadata> committed =
                    committedFuture.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Map<TopicPartition, ListOffsetsResultInfo> ends = endsFuture.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Map<TopicPartition, ListOffsetsResultInfo> starts =
                    startsFuture.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Set<String> waiting = new HashSet<>();
            for (TopicPartition tp : latest.keySet()) {
                OffsetAndMetadata position = committed.get(tp);
                long from = position != null ? position.offset() : starts.get(tp).offset();
                if (ends.get(tp).offset() > from) {
                    waiting.add(tp.topic());
                }
            }
            return waiting;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warn("cannot tell which input topics have records waiting for partition {} ({}); each holds the "
                    + "watermark until its first record or watermark.idle", partition, e.toString());
            return Set.copyOf(topics);
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
