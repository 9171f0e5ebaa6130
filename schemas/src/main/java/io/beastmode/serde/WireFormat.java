package io.beastmode.serde;

import java.nio.ByteBuffer;

/** The Confluent wire format: magic byte 0, the schema id as 4 bytes big-endian, then the Avro binary body. */
public final class WireFormat {
    public static final byte MAGIC_BYTE = 0;
    public static final int HEADER_SIZE = 5;

    private WireFormat() {
    }

    /** Header and body in one array. */
    public static byte[] encode(int schemaId, byte[] avroBody) {
        return ByteBuffer.allocate(HEADER_SIZE + avroBody.length).put(MAGIC_BYTE).putInt(schemaId).put(avroBody).array();
    }

    /** The header as bytes, for writers that stream the body after it. */
    public static byte[] header(int schemaId) {
        return ByteBuffer.allocate(HEADER_SIZE).put(MAGIC_BYTE).putInt(schemaId).array();
    }

    /** The schema id of a framed payload; throws {@link WireFormatException} (TRUNCATED / BAD_MAGIC_BYTE) otherwise. */
    public static int schemaId(String topic, byte[] payload) {
        if (payload.length < HEADER_SIZE) {
            throw new WireFormatException(WireFormatException.Reason.TRUNCATED, topic, null,
                    "payload has " + payload.length + " bytes, fewer than the " + HEADER_SIZE + "-byte header", null);
        }
        if (payload[0] != MAGIC_BYTE) {
            throw new WireFormatException(WireFormatException.Reason.BAD_MAGIC_BYTE, topic, null,
                    String.format("first byte is 0x%02x, expected magic byte 0x00 (not Confluent wire format)", payload[0] & 0xff), null);
        }
        return ByteBuffer.wrap(payload, 1, 4).getInt();
    }
}
