package io.beastmode.stack;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three KRaft nodes on loopback form one cluster: topics get 3 replicas and min ISR 2 by default, transactions work
 * (the transaction state topic needs 3 live replicas' worth of quorum to be created), and with one node stopped the
 * other two keep accepting transactional writes with acks=all; the stopped node comes back and rejoins the ISR.
 */
class EmbeddedKafkaClusterIT {

    @Test
    void threeNodesReplicateAndSurviveOneStoppedNode() throws Exception {
        try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start(3);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
            assertThat(cluster.bootstrapServers().split(",")).hasSize(3).allMatch(s -> s.startsWith("127.0.0.1:"));
            assertThat(admin.describeCluster().nodes().get()).hasSize(3);
            assertThat(admin.describeMetadataQuorum().quorumInfo().get().voters()).hasSize(3);

            String topic = "cluster-it-" + UUID.randomUUID();
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(3), Optional.empty()))).all().get();
            // createTopics returns once the controller has committed the topic; each broker learns of it a moment
            // later, and the admin asks whichever broker it likes. Until then it answers UNKNOWN_TOPIC_OR_PARTITION.
            TopicDescription d = untilKnown(() -> admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic));
            assertThat(d.partitions()).allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            assertThat(untilKnown(() -> admin.describeConfigs(List.of(resource)).all().get().get(resource))
                    .get("min.insync.replicas").value()).isEqualTo("2");

            try (KafkaProducer<String, String> producer = transactional(cluster.bootstrapServers())) {
                producer.initTransactions();
                write(producer, topic, 0, 50);
                cluster.stop(1);
                assertThat(cluster.isRunning(1)).isFalse();
                // 2 replicas in sync >= min ISR 2: acks=all transactional writes still commit.
                write(producer, topic, 50, 100);
            }
            assertThat(count(cluster.bootstrapServers(), topic, 100)).isEqualTo(100);

            cluster.restart(1);
            long deadline = System.currentTimeMillis() + 60_000;
            boolean fullIsr = false;
            while (!fullIsr && System.currentTimeMillis() < deadline) {
                fullIsr = untilKnown(() -> admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic))
                        .partitions().stream()
                        .allMatch(p -> p.isr().size() == 3);
                Thread.sleep(200);
            }
            assertThat(fullIsr).as("the restarted node rejoins every partition's ISR").isTrue();
        }
    }

    /** Retries a metadata call while the broker that answers it has not yet applied the topic's creation. */
    private static <T> T untilKnown(Callable<T> call) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (true) {
            try {
                return call.call();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.currentTimeMillis() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    private static KafkaProducer<String, String> transactional(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "cluster-it-" + UUID.randomUUID(),
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000),
                new StringSerializer(), new StringSerializer());
    }

    private static void write(KafkaProducer<String, String> producer, String topic, int from, int to) {
        producer.beginTransaction();
        for (int i = from; i < to; i++) {
            producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i));
        }
        producer.commitTransaction();
    }

    private static int count(String bootstrap, String topic, int expected) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "cluster-it-" + UUID.randomUUID(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            int seen = 0;
            long deadline = System.currentTimeMillis() + 30_000;
            while (seen < expected && System.currentTimeMillis() < deadline) {
                seen += consumer.poll(Duration.ofMillis(200)).count();
            }
            return seen;
        }
    }
}
