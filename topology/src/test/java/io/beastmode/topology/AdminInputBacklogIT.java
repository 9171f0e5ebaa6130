package io.beastmode.topology;

import io.beastmode.stack.BeastTestStack;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link AdminInputBacklog} against the real broker: which topics have records waiting for a task's partition. */
class AdminInputBacklogIT {

    @Test
    void aTopicHasRecordsWaitingWhileItsEndLiesPastTheCommittedOrStartOffset() throws Exception {
        String bootstrap = BeastTestStack.bootstrapServers();
        String prefix = "backlog-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        String busy = prefix + "busy";
        String empty = prefix + "empty";
        String narrow = prefix + "narrow";
        String group = prefix + "app";
        Map<String, Object> adminConfig = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(adminConfig)) {
            admin.createTopics(List.of(new NewTopic(busy, 3, (short) 1), new NewTopic(empty, 3, (short) 1),
                    new NewTopic(narrow, 1, (short) 1))).all().get();
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                    Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                    new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < 2; i++) {
                    producer.send(new ProducerRecord<>(busy, 1, "k", "v" + i)).get();
                }
                producer.send(new ProducerRecord<>(narrow, 0, "k", "v")).get();
            }
            List<String> topics = List.of(busy, empty, narrow);
            try (AdminInputBacklog backlog = new AdminInputBacklog(adminConfig, group, Duration.ofSeconds(10))) {
                assertThat(backlog.topicsWithRecordsToRead(topics, 1)).as("nothing committed: from the start")
                        .containsExactly(busy);
                assertThat(backlog.topicsWithRecordsToRead(topics, 0)).containsExactly(narrow);
                assertThat(backlog.topicsWithRecordsToRead(topics, 2)).isEmpty();

                admin.alterConsumerGroupOffsets(group, Map.of(new TopicPartition(busy, 1), new OffsetAndMetadata(1)))
                        .all().get();
                assertThat(backlog.topicsWithRecordsToRead(topics, 1)).as("one record left").containsExactly(busy);
                admin.alterConsumerGroupOffsets(group, Map.of(new TopicPartition(busy, 1), new OffsetAndMetadata(2)))
                        .all().get();
                assertThat(backlog.topicsWithRecordsToRead(topics, 1)).as("all read").isEmpty();
            }
        }
        // No broker to ask: every topic holds the watermark (safe), none is dropped.
        try (AdminInputBacklog unreachable = new AdminInputBacklog(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1"), group, Duration.ofMillis(500))) {
            assertThat(unreachable.topicsWithRecordsToRead(List.of(busy, empty), 0))
                    .containsExactlyInAnyOrder(busy, empty);
        }
    }
}
