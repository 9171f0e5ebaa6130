package io.beastmode.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A payload that is not a readable Confluent wire-format Avro record. {@link #reason()} is stable: the Streams
 * topology routes records to the dead-letter topic by it, using {@link Reason#code()} as the reason text.
 */
public class WireFormatException extends SerializationException {

    /** Why a payload could not be read. Codes are part of the dead-letter contract: never rename them. */
    public enum Reason {
        /** The first byte is not the wire format's magic byte 0. */
        BAD_MAGIC_BYTE("bad-magic-byte"),
        /** Fewer than the 5 header bytes, or the Avro body ends early. */
        TRUNCATED("truncated"),
        /** The registry has no schema with the id in the header. */
        UNKNOWN_SCHEMA_ID("unknown-schema-id"),
        /** The body is not valid Avro for the writer schema (garbage, or trailing bytes). */
        AVRO_DECODE("avro-decode"),
        /** The registry could not be asked for the writer schema (down, timing out, failing). */
        REGISTRY_UNAVAILABLE("registry-unavailable");

        private final String code;

        Reason(String code) {
            this.code = code;
        }

        /** Lower-kebab form for dead-letter records and metrics labels, e.g. {@code bad-magic-byte}. */
        public String code() {
            return code;
        }
    }

    private final Reason reason;
    private final String topic;
    private final Integer schemaId;

    public WireFormatException(Reason reason, String topic, Integer schemaId, String problem, Throwable cause) {
        super(reason.code() + ": " + problem + " (topic " + (topic == null ? "<none>" : "'" + topic + "'")
                + ", schema id " + (schemaId == null ? "<unread>" : schemaId) + ")", cause);
        this.reason = reason;
        this.topic = topic;
        this.schemaId = schemaId;
    }

    public Reason reason() {
        return reason;
    }

    public String topic() {
        return topic;
    }

    /** The schema id from the header, or null when the header could not be read. */
    public Integer schemaId() {
        return schemaId;
    }
}
