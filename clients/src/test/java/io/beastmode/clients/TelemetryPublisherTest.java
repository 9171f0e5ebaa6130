package io.beastmode.clients;

import io.beastmode.schemas.Topics;
import io.beastmode.serde.BeastAvroDeserializer;
import io.beastmode.serde.BeastAvroSerializer;
import io.beastmode.serde.BeastSerdeConfig;
import io.beastmode.telemetry.v1.CostEvent;
import io.beastmode.telemetry.v1.RequestEvent;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TelemetryPublisherTest {
    private static final Map<String, Object> SERDE = Map.of(BeastSerdeConfig.SCHEMA_REGISTRY_URL, "mock://publisher-test");

    private static MockProducer<String, SpecificRecord> mockProducer(boolean autoComplete) {
        BeastAvroSerializer<SpecificRecord> serializer = new BeastAvroSerializer<>();
        serializer.configure(SERDE, false);
        return new MockProducer<>(autoComplete, null, new StringSerializer(), serializer);
    }

    private static TelemetryPublisher publisher(MockProducer<String, SpecificRecord> producer) {
        return TelemetryPublisher.builder().producer(producer).maxFutureSkew(Duration.ofDays(3650)).build();
    }

    @Test
    void routesEachKindToItsTopicKeyedByRequestIdInTheWireFormat() throws Exception {
        MockProducer<String, SpecificRecord> producer = mockProducer(true);
        try (TelemetryPublisher publisher = publisher(producer)) {
            publisher.publish(TestEvents.request("r1").build()).get();
            publisher.publish(TestEvents.cache("r1").build()).get();
            publisher.publish(TestEvents.selection("r1").build()).get();
            publisher.publish(TestEvents.cost("r1").build()).get();

            assertThat(producer.history()).extracting(ProducerRecord::topic)
                    .containsExactly(Topics.REQUESTS, Topics.CACHE, Topics.SELECTION, Topics.COST);
            assertThat(producer.history()).extracting(ProducerRecord::key).containsOnly("r1");
            assertThat(publisher.stats().sent()).isEqualTo(4);
            assertThat(publisher.stats().sent(Topics.COST)).isEqualTo(1);

            // The value went through the registry serde: decode it back.
            BeastAvroSerializer<SpecificRecord> serializer = new BeastAvroSerializer<>();
            serializer.configure(SERDE, false);
            byte[] bytes = serializer.serialize(Topics.COST, producer.history().get(3).value());
            assertThat(bytes[0]).isEqualTo((byte) 0); // Confluent magic byte
            BeastAvroDeserializer<CostEvent> deserializer = new BeastAvroDeserializer<>(CostEvent.class);
            deserializer.configure(SERDE, false);
            assertThat(deserializer.deserialize(Topics.COST, bytes)).isEqualTo(TestEvents.cost("r1").build());
        }
    }

    @Test
    void invalidEventsAreRefusedBeforeSendAndCounted() {
        MockProducer<String, SpecificRecord> producer = mockProducer(true);
        try (TelemetryPublisher publisher = publisher(producer)) {
            RequestEvent bad = TestEvents.request("r2").setLatencyMs(Double.NaN).build();
            assertThatThrownBy(() -> publisher.publish(bad)).isInstanceOf(InvalidEventException.class)
                    .hasMessageContaining("RequestEvent.latencyMs");
            assertThat(producer.history()).isEmpty();
            assertThat(publisher.stats().rejected()).isEqualTo(1);
            assertThat(publisher.stats().sent()).isZero();
        }
    }

    @Test
    void callbackAndFutureReportBrokerFailures() {
        MockProducer<String, SpecificRecord> producer = mockProducer(false);
        try (TelemetryPublisher publisher = publisher(producer)) {
            AtomicReference<Exception> seen = new AtomicReference<>();
            CompletableFuture<RecordMetadata> ok = publisher.publish(TestEvents.request("a").build(), (md, e) -> { });
            CompletableFuture<RecordMetadata> bad = publisher.publish(TestEvents.cost("b").build(), (md, e) -> seen.set(e));
            assertThat(ok).isNotDone();
            producer.completeNext();
            producer.errorNext(new org.apache.kafka.common.errors.TimeoutException("broker gone"));
            assertThat(ok).isCompleted();
            assertThatThrownBy(bad::get).isInstanceOf(ExecutionException.class).hasRootCauseMessage("broker gone");
            assertThat(seen.get()).hasMessage("broker gone");
            assertThat(publisher.stats().sent()).isEqualTo(1);
            assertThat(publisher.stats().failed()).isEqualTo(1);
            assertThat(publisher.stats().failed(Topics.COST)).isEqualTo(1);
        }
    }

    @Test
    void defaultsAreIdempotentBatchedAndCompressed() {
        Map<String, Object> d = TelemetryPublisher.Builder.defaults("127.0.0.1:9092");
        assertThat(d).containsEntry("enable.idempotence", true).containsEntry("acks", "all")
                .containsEntry("compression.type", "lz4").containsKey("linger.ms").containsKey("batch.size");
    }
}
