package io.beastmode.cli.chaos;

import io.beastmode.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** How much of the input topics an application has committed, as a fraction of what is in them. */
final class InputProgress implements AutoCloseable {
    private final Admin admin;
    private Map<TopicPartition, Long> ends;
    private long total;

    InputProgress(String bootstrap) {
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 4000));
    }

    /** Fraction in [0, 1]; 0 when the broker does not answer (e.g. while it restarts). */
    double consumed(String groupId) {
        try {
            if (ends == null) {
                Map<TopicPartition, OffsetSpec> request = new HashMap<>();
                admin.describeTopics(Topics.inputs()).allTopicNames().get(5, TimeUnit.SECONDS).values()
                        .forEach(d -> d.partitions().forEach(p -> request.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
                Map<TopicPartition, Long> e = new HashMap<>();
                admin.listOffsets(request).all().get(5, TimeUnit.SECONDS).forEach((tp, info) -> e.put(tp, info.offset()));
                total = e.values().stream().mapToLong(Long::longValue).sum();
                ends = e;
            }
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
            long done = 0;
            for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
                OffsetAndMetadata c = committed.get(e.getKey());
                done += c == null ? 0 : Math.min(c.offset(), e.getValue());
            }
            return total == 0 ? 1 : done / (double) total;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return 0;
        }
    }

    @Override
    public void close() {
        admin.close();
    }
}
