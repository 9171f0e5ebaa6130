package io.beastmode.clients;

import io.beastmode.analytics.v1.AckStatus;
import io.beastmode.analytics.v1.ExpectedImpact;
import io.beastmode.analytics.v1.OptimizationProposal;
import io.beastmode.analytics.v1.ProposalKind;
import io.beastmode.analytics.v1.ProposalStatus;
import io.beastmode.analytics.v1.ProposalTarget;
import io.beastmode.analytics.v1.RolloutPlan;
import io.beastmode.analytics.v1.RoutingAck;
import io.beastmode.analytics.v1.StatisticalConfidence;
import io.beastmode.analytics.v1.TargetType;
import io.beastmode.schemas.Topics;
import io.beastmode.serde.BeastAvroSerializer;
import io.beastmode.serde.BeastSerdeConfig;
import io.beastmode.stack.BeastTestStack;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

class ProposalSubscriberIT {

    record Change(String key, OptimizationProposal oldValue, OptimizationProposal newValue) {
    }

    static OptimizationProposal proposal(String id, String requestType, String toModel) {
        return OptimizationProposal.newBuilder().setProposalId(id).setKind(ProposalKind.REROUTE)
                .setTarget(ProposalTarget.newBuilder().setType(TargetType.REQUEST_TYPE).setKey(requestType).build())
                .setAction("reroute").setParameters(Map.of("fromModel", "gpt-4-1106-preview", "toModel", toModel))
                .setStatus(ProposalStatus.OPEN).setEvidence(List.of())
                .setExpectedImpact(ExpectedImpact.newBuilder().setCostDeltaPct(-80.0).build())
                .setConfidence(StatisticalConfidence.newBuilder().setTest("two-proportion-z (non-inferiority)").setStatistic(2.1)
                        .setPValue(0.02).setConfidenceLevel(0.95).build())
                .setRollout(RolloutPlan.newBuilder().setCanaryShare(0.1).setCanaryDurationMs(600_000).build())
                .setCreatedAt(TestEvents.T).setExpiresAt(TestEvents.T + 3_600_000).setSupersedes(null).build();
    }

    @Test
    void seesExistingProposalsThenInsertsUpdatesAndTombstones() throws Exception {
        String topic = "ps-" + UUID.randomUUID().toString().substring(0, 8) + "." + Topics.PROPOSALS;
        try (TopicAdmin admin = TopicAdmin.connect(BeastTestStack.bootstrapServers())) {
            Topics.TopicSpec spec = Topics.all(3).stream().filter(s -> s.name().equals(Topics.PROPOSALS)).findFirst().orElseThrow();
            admin.ensureTopics(List.of(new Topics.TopicSpec(topic, spec.valueType(), spec.keyDescription(), 3, spec.configs())));
        }
        BeastAvroSerializer<OptimizationProposal> serializer = new BeastAvroSerializer<>();
        serializer.configure(Map.of(BeastSerdeConfig.SCHEMA_REGISTRY_URL, BeastTestStack.registryUrl()), false);
        OptimizationProposal code1 = proposal("p-1", "code", "mixtral-8x7b-instruct-v0.1");
        OptimizationProposal chat1 = proposal("p-2", "conversation", "mixtral-8x7b-instruct-v0.1");
        OptimizationProposal code2 = proposal("p-3", "code", "gpt-3.5-turbo");
        List<Change> changes = new CopyOnWriteArrayList<>();
        try (KafkaProducer<String, OptimizationProposal> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BeastTestStack.bootstrapServers()), new StringSerializer(), serializer)) {
            // Written before the subscriber starts: it must still see them (reads from the beginning).
            producer.send(new ProducerRecord<>(topic, "REQUEST_TYPE:code", code1)).get();
            producer.send(new ProducerRecord<>(topic, "REQUEST_TYPE:conversation", chat1)).get();

            try (ProposalSubscriber subscriber = ProposalSubscriber.builder().bootstrapServers(BeastTestStack.bootstrapServers())
                    .registryUrl(BeastTestStack.registryUrl()).topic(topic)
                    .listener((k, o, n) -> changes.add(new Change(k, o, n))).build().start()) {
                assertThat(subscriber.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
                assertThat(subscriber.snapshot()).containsOnlyKeys("REQUEST_TYPE:code", "REQUEST_TYPE:conversation");
                assertThat(changes).containsExactlyInAnyOrder(new Change("REQUEST_TYPE:code", null, code1),
                        new Change("REQUEST_TYPE:conversation", null, chat1));

                producer.send(new ProducerRecord<>(topic, "REQUEST_TYPE:code", code2)).get();
                await(() -> changes.size() == 3);
                assertThat(changes.get(2)).isEqualTo(new Change("REQUEST_TYPE:code", code1, code2));
                assertThat(subscriber.get("REQUEST_TYPE:code")).contains(code2);

                producer.send(new ProducerRecord<>(topic, "REQUEST_TYPE:conversation", null)).get();
                await(() -> changes.size() == 4);
                assertThat(changes.get(3)).isEqualTo(new Change("REQUEST_TYPE:conversation", chat1, null));
                assertThat(subscriber.snapshot()).containsOnlyKeys("REQUEST_TYPE:code");
                assertThat(subscriber.isRunning()).isTrue();
            }
        }
    }

    @Test
    void routingAcksAreReadableFromTheirTopic() throws Exception {
        String topic = "ra-" + UUID.randomUUID().toString().substring(0, 8) + "." + Topics.ROUTING_ACKS;
        try (TopicAdmin admin = TopicAdmin.connect(BeastTestStack.bootstrapServers())) {
            admin.ensureTopics(List.of(new Topics.TopicSpec(topic, "io.beastmode.analytics.v1.RoutingAck", "proposalId", 1, Map.of())));
        }
        try (RoutingAckPublisher acks = RoutingAckPublisher.create(BeastTestStack.bootstrapServers(), BeastTestStack.registryUrl(),
                "router-it", topic, Map.of())) {
            acks.ack("p-1", AckStatus.ACCEPTED, TestEvents.T, null, null).get();
            acks.ack("p-1", AckStatus.APPLIED, TestEvents.T + 1000, 0.1, null).get();
        }
        List<ConsumerRecord<String, org.apache.avro.specific.SpecificRecord>> records =
                TelemetryPublisherIT.consume(topic, RoutingAck.class, 2);
        assertThat(records).extracting(ConsumerRecord::key).containsOnly("p-1");
        assertThat(records).extracting(r -> ((RoutingAck) r.value()).getStatus()).containsExactly(AckStatus.ACCEPTED, AckStatus.APPLIED);
        assertThat(((RoutingAck) records.get(1).value()).getRolloutShare()).isEqualTo(0.1);
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!condition.getAsBoolean() && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertThat(condition.getAsBoolean()).as("condition within 30 s").isTrue();
    }
}
