package io.beastmode.serde;

import io.beastmode.registry.InMemorySchemaRegistryClient;
import io.beastmode.registry.RestSchemaRegistryClient;
import io.beastmode.serde.WireFormatException.Reason;
import io.beastmode.telemetry.v1.RequestEvent;
import io.beastmode.testing.TelemetrySamples;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every way a payload can be unreadable maps to one stable reason and a message naming topic, id and problem. */
class MalformedPayloadTest {
    private static final String TOPIC = "malformed-test";

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final BeastAvroDeserializer<RequestEvent> deserializer = new BeastAvroDeserializer<>(registry, RequestEvent.class);

    private byte[] validPayload() {
        return new BeastAvroSerializer<RequestEvent>(registry).serialize(TOPIC, TelemetrySamples.request("r-1"));
    }

    private WireFormatException failure(byte[] payload) {
        return (WireFormatException) org.assertj.core.api.Assertions.catchThrowableOfType(WireFormatException.class,
                () -> deserializer.deserialize(TOPIC, payload));
    }

    @Test
    void theValidPayloadReadsBack() {
        assertThat(deserializer.deserialize(TOPIC, validPayload())).isEqualTo(TelemetrySamples.request("r-1"));
    }

    @Test
    void wrongFirstByteIsBadMagicByte() {
        byte[] payload = validPayload();
        payload[0] = 0x7b; // '{' — someone produced JSON to an Avro topic

        WireFormatException e = failure(payload);

        assertThat(e.reason()).isEqualTo(Reason.BAD_MAGIC_BYTE);
        assertThat(e.reason().code()).isEqualTo("bad-magic-byte");
        assertThat(e.getMessage()).contains("bad-magic-byte", "0x7b", "magic byte", "'" + TOPIC + "'");
        assertThat(e.schemaId()).isNull();
    }

    @Test
    void fewerThanFiveBytesIsTruncated() {
        for (byte[] payload : new byte[][]{{}, {0}, {0, 0, 0, 1}}) {
            WireFormatException e = failure(payload);

            assertThat(e.reason()).isEqualTo(Reason.TRUNCATED);
            assertThat(e.getMessage()).contains("truncated", payload.length + " bytes", "5-byte header", TOPIC);
        }
    }

    @Test
    void bodyEndingEarlyIsTruncatedAndNamesTheSchemaId() {
        byte[] valid = validPayload();
        byte[] cut = Arrays.copyOf(valid, valid.length - 4);

        WireFormatException e = failure(cut);

        assertThat(e.reason()).isEqualTo(Reason.TRUNCATED);
        assertThat(e.schemaId()).isEqualTo(WireFormat.schemaId(TOPIC, valid));
        assertThat(e.getMessage()).contains("ends before the record", "schema id " + e.schemaId(), TOPIC);
    }

    @Test
    void headerWithoutBodyIsTruncated() {
        byte[] headerOnly = Arrays.copyOf(validPayload(), WireFormat.HEADER_SIZE);

        assertThat(failure(headerOnly).reason()).isEqualTo(Reason.TRUNCATED);
    }

    @Test
    void idTheRegistryDoesNotKnowIsUnknownSchemaId() {
        byte[] payload = WireFormat.encode(4242, new byte[]{2, 'a'});

        WireFormatException e = failure(payload);

        assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_SCHEMA_ID);
        assertThat(e.reason().code()).isEqualTo("unknown-schema-id");
        assertThat(e.schemaId()).isEqualTo(4242);
        assertThat(e.getMessage()).contains("unknown-schema-id", "no schema with id 4242", TOPIC);
    }

    @Test
    void garbageBodyIsAvroDecode() {
        byte[] valid = validPayload();
        byte[] garbage = WireFormat.header(WireFormat.schemaId(TOPIC, valid));
        // A string length of -1 (zig-zag 0x01) cannot start a RequestEvent.
        byte[] payload = Arrays.copyOf(garbage, garbage.length + 8);
        Arrays.fill(payload, WireFormat.HEADER_SIZE, payload.length, (byte) 0x01);

        WireFormatException e = failure(payload);

        assertThat(e.reason()).isEqualTo(Reason.AVRO_DECODE);
        assertThat(e.reason().code()).isEqualTo("avro-decode");
        assertThat(e.getMessage()).contains("not a valid record", TOPIC);
    }

    @Test
    void trailingBytesAfterTheRecordAreAvroDecode() {
        byte[] valid = validPayload();
        byte[] padded = Arrays.copyOf(valid, valid.length + 3);

        WireFormatException e = failure(padded);

        assertThat(e.reason()).isEqualTo(Reason.AVRO_DECODE);
        assertThat(e.getMessage()).contains("3 bytes left after the record");
    }

    @Test
    void unreachableRegistryIsRegistryUnavailable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        RestSchemaRegistryClient unreachable = RestSchemaRegistryClient.builder("http://127.0.0.1:" + closedPort)
                .retries(0).timeout(Duration.ofSeconds(1)).build();
        BeastAvroDeserializer<RequestEvent> offline = new BeastAvroDeserializer<>(unreachable, RequestEvent.class);

        WireFormatException e = (WireFormatException) org.assertj.core.api.Assertions.catchThrowableOfType(
                WireFormatException.class, () -> offline.deserialize(TOPIC, WireFormat.encode(7, new byte[]{0})));

        assertThat(e.reason()).isEqualTo(Reason.REGISTRY_UNAVAILABLE);
        assertThat(e.reason().code()).isEqualTo("registry-unavailable");
        assertThat(e.getMessage()).contains("could not fetch the writer schema", "schema id 7", TOPIC);
    }

    @Test
    void failuresAreKafkaSerializationExceptionsSoClientsAndStreamsHandlersSeeThem() {
        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, new byte[]{1, 2, 3, 4, 5, 6}))
                .isInstanceOf(SerializationException.class);
    }

    @Test
    void reasonCodesAreStableKebabCase() {
        assertThat(Arrays.stream(Reason.values()).map(Reason::code)).containsExactly(
                "bad-magic-byte", "truncated", "unknown-schema-id", "avro-decode", "registry-unavailable");
    }
}
