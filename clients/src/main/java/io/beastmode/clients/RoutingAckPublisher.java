package io.beastmode.clients;

import io.beastmode.analytics.v1.AckStatus;
import io.beastmode.analytics.v1.RoutingAck;
import io.beastmode.schemas.Topics;
import io.beastmode.serde.BeastAvroSerializer;
import io.beastmode.serde.BeastSerdeConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The routing layer's answer to proposals: sends {@link RoutingAck} records (accepted, applied, rejected, rolled back)
 * to {@code beast.routing-acks.v1}, key = proposalId, with the same idempotent producer settings as
 * {@link TelemetryPublisher}. Thread-safe.
 */
public final class RoutingAckPublisher implements AutoCloseable {
    static {
        AvroTrust.ensure();
    }

    private final Producer<String, RoutingAck> producer;
    private final String topic;
    private final String routerId;
    private final EventValidator validator = new EventValidator();

    private RoutingAckPublisher(Producer<String, RoutingAck> producer, String topic, String routerId) {
        this.producer = producer;
        this.topic = topic;
        this.routerId = routerId;
    }

    /**
     * @param routerId the router instance named in every ack built by {@link #ack}
     * @param extraProducerProps any producer setting (security, ...); may be empty
     */
    public static RoutingAckPublisher create(String bootstrapServers, String registryUrl, String routerId,
                                             Map<String, ?> extraProducerProps) {
        return create(bootstrapServers, registryUrl, routerId, Topics.ROUTING_ACKS, extraProducerProps);
    }

    public static RoutingAckPublisher create(String bootstrapServers, String registryUrl, String routerId, String topic,
                                             Map<String, ?> extraProducerProps) {
        Map<String, Object> props = TelemetryPublisher.Builder.defaults(bootstrapServers);
        props.put("client.id", "beast-routing-ack-" + routerId);
        props.put("linger.ms", 5);
        props.putAll(extraProducerProps);
        BeastAvroSerializer<RoutingAck> serializer = new BeastAvroSerializer<>();
        serializer.configure(Map.of(BeastSerdeConfig.SCHEMA_REGISTRY_URL, registryUrl), false);
        return new RoutingAckPublisher(new KafkaProducer<>(props, new StringSerializer(), serializer), topic, routerId);
    }

    /** Sends {@code ack} as it is (validated first). */
    public CompletableFuture<RecordMetadata> send(RoutingAck ack) {
        validator.validate(ack);
        CompletableFuture<RecordMetadata> future = new CompletableFuture<>();
        producer.send(new ProducerRecord<>(topic, ack.getProposalId(), ack), (md, err) -> {
            if (err == null) {
                future.complete(md);
            } else {
                future.completeExceptionally(err);
            }
        });
        return future;
    }

    /**
     * Builds and sends an ack from this router.
     *
     * @param at           event time of the router when it happened, epoch ms
     * @param rolloutShare share of the target's traffic now under the proposal; null when not applicable
     * @param reason       why, for REJECTED and ROLLED_BACK; may be null
     */
    public CompletableFuture<RecordMetadata> ack(String proposalId, AckStatus status, long at, Double rolloutShare, String reason) {
        return send(RoutingAck.newBuilder().setProposalId(proposalId).setStatus(status).setAt(at).setRouterId(routerId)
                .setRolloutShare(rolloutShare).setReason(reason).build());
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
