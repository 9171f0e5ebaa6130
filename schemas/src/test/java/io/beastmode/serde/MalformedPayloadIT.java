package io.beastmode.serde;

import io.beastmode.serde.WireFormatException.Reason;
import io.beastmode.stack.BeastTestStack;
import io.beastmode.telemetry.v1.RequestEvent;
import io.beastmode.testing.KafkaItSupport;
import io.beastmode.testing.TelemetrySamples;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Malformed records on a real topic, read against the real registry. */
class MalformedPayloadIT {
    private final Map<String, Object> configs = Map.of(BeastSerdeConfig.SCHEMA_REGISTRY_URL, BeastTestStack.registryUrl());

    @Test
    void eachMalformedRecordFailsWithItsReasonAndAMessageNamingTheProblem() {
        String topic = KafkaItSupport.unique("malformed");
        KafkaItSupport.createTopics(topic);
        Serde<RequestEvent> serde = BeastSerdes.specific(RequestEvent.class, configs, false);
        byte[] valid = serde.serializer().serialize(topic, TelemetrySamples.request("ok"));
        byte[] badMagic = valid.clone();
        badMagic[0] = 1;
        byte[] unknownId = WireFormat.encode(Integer.MAX_VALUE - 11, Arrays.copyOfRange(valid, WireFormat.HEADER_SIZE, valid.length));
        byte[] truncatedAvro = Arrays.copyOf(valid, valid.length - 6);
        byte[] shortHeader = {0, 0, 1};

        KafkaItSupport.produce(topic, new ByteArraySerializer(), List.of(valid, badMagic, unknownId, truncatedAvro, shortHeader));
        List<byte[]> onTheWire = KafkaItSupport.values(KafkaItSupport.consume(topic, new ByteArrayDeserializer(), 5));

        assertThat(serde.deserializer().deserialize(topic, onTheWire.get(0))).isEqualTo(TelemetrySamples.request("ok"));
        assertFailure(serde, topic, onTheWire.get(1), Reason.BAD_MAGIC_BYTE, "0x01", "expected magic byte 0x00");
        assertFailure(serde, topic, onTheWire.get(2), Reason.UNKNOWN_SCHEMA_ID, "no schema with id " + (Integer.MAX_VALUE - 11));
        assertFailure(serde, topic, onTheWire.get(3), Reason.TRUNCATED, "ends before the record");
        assertFailure(serde, topic, onTheWire.get(4), Reason.TRUNCATED, "3 bytes", "5-byte header");
    }

    private static void assertFailure(Serde<RequestEvent> serde, String topic, byte[] payload, Reason reason, String... problem) {
        WireFormatException e = catchThrowableOfType(WireFormatException.class, () -> serde.deserializer().deserialize(topic, payload));
        assertThat(e.reason()).isEqualTo(reason);
        assertThat(e.topic()).isEqualTo(topic);
        assertThat(e.getMessage()).contains(reason.code()).contains("'" + topic + "'").contains(problem);
    }

    @Test
    void aKafkaConsumerSurfacesTheReasonAsTheCauseWithTheRecordsPosition() {
        String topic = KafkaItSupport.unique("malformed-consumer");
        KafkaItSupport.createTopics(topic);
        KafkaItSupport.produce(topic, new ByteArraySerializer(), List.of("{\"json\":true}".getBytes()));

        try (KafkaConsumer<String, RequestEvent> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BeastTestStack.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, KafkaItSupport.unique("group"),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), BeastSerdes.specific(RequestEvent.class, configs, false).deserializer())) {
            consumer.subscribe(List.of(topic));
            RecordDeserializationException failure = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (failure == null && System.nanoTime() < deadline) {
                try {
                    consumer.poll(Duration.ofMillis(200));
                } catch (RecordDeserializationException e) {
                    failure = e;
                }
            }

            assertThat(failure).isNotNull();
            assertThat(failure.offset()).isZero();
            assertThat(failure.getCause()).isInstanceOfSatisfying(WireFormatException.class,
                    cause -> assertThat(cause.reason()).isEqualTo(Reason.BAD_MAGIC_BYTE));
        }
    }
}
