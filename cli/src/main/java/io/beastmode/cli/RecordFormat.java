package io.beastmode.cli;

import io.beastmode.serde.WireFormatException;
import org.apache.avro.generic.GenericData;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Kafka record as {@code beast print} shows it: ksqlDB's PRINT line, or one JSON object for scripts. Values are
 * decoded through the registry as generic records, so any topic with a registered Avro value reads without the
 * generated classes; a value that cannot be decoded becomes {@code <Failed to deserialize>} with the reason code.
 */
final class RecordFormat {
    static final String FAILED = "<Failed to deserialize>";
    private static final DateTimeFormatter ROWTIME =
            DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss.SSS 'Z'").withZone(ZoneOffset.UTC);
    /** Our metric keys: {@code DIM|key|sizeMs@startMs} (the key part may itself contain '|'). */
    private static final Pattern WINDOWED = Pattern.compile("^(.+)\\|(\\d+)@(\\d+)$");

    /** The decoded value: JSON text, or null with {@code failure} set. */
    record Decoded(String json, String failure) {
    }

    private RecordFormat() {
    }

    static Decoded decode(Deserializer<Object> deserializer, String topic, byte[] value) {
        if (value == null) {
            return new Decoded("null", null);
        }
        try {
            Object record = deserializer.deserialize(topic, value);
            // GenericData renders records, enums, maps and unions as JSON text.
            return new Decoded(GenericData.get().toString(record), null);
        } catch (WireFormatException e) {
            return new Decoded(null, e.reason().code());
        } catch (RuntimeException e) {
            return new Decoded(null, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** {@code DIM|key|60000@1700000000000} -> {@code [DIM|key@1700000000000/1700000060000]}; others unchanged. */
    static String key(byte[] key) {
        if (key == null) {
            return "<null>";
        }
        String k = new String(key, StandardCharsets.UTF_8);
        Matcher m = WINDOWED.matcher(k);
        if (m.matches()) {
            long size = Long.parseLong(m.group(2));
            long start = Long.parseLong(m.group(3));
            return "[" + m.group(1) + "@" + start + "/" + (start + size) + "]";
        }
        return k;
    }

    static String line(ConsumerRecord<byte[], byte[]> r, Decoded value) {
        String v = value.failure() == null ? value.json() : FAILED + " (" + value.failure() + ")";
        return "rowtime: " + ROWTIME.format(Instant.ofEpochMilli(r.timestamp())) + ", key: " + key(r.key())
                + ", value: " + v + ", partition: " + r.partition();
    }

    /** One JSON object a line; the value is embedded as JSON (not a string) when it decoded. */
    static String json(ConsumerRecord<byte[], byte[]> r, Decoded value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("topic", r.topic());
        m.put("partition", r.partition());
        m.put("offset", r.offset());
        m.put("timestamp", r.timestamp());
        m.put("key", r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8));
        try {
            m.put("value", value.failure() == null ? Json.MAPPER.readTree(value.json()) : null);
        } catch (java.io.IOException e) {
            m.put("value", value.json());
        }
        if (value.failure() != null) {
            m.put("error", value.failure());
        }
        return Json.line(m);
    }
}
