package io.beastmode.topology.dlq;

import io.beastmode.analytics.v1.DeadLetter;
import org.apache.kafka.common.header.Headers;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Builds {@link DeadLetter} values and their headers, the same way for decode failures and late events. */
public final class DeadLetters {

    public static final String HEADER_SOURCE_TOPIC = "beast.source.topic";
    public static final String HEADER_SOURCE_PARTITION = "beast.source.partition";
    public static final String HEADER_SOURCE_OFFSET = "beast.source.offset";
    public static final String HEADER_REASON = "beast.dlq.reason";
    static final int MAX_MESSAGE_CHARS = 1000;

    private DeadLetters() {
    }

    public static DeadLetter deadLetter(String topic, int partition, long offset, long timestamp, String reason,
                                        String message, byte[] key, byte[] value, long failedAt) {
        String m = message == null ? reason : message;
        return DeadLetter.newBuilder()
                .setSourceTopic(topic)
                .setSourcePartition(partition)
                .setSourceOffset(offset)
                .setSourceTimestamp(timestamp)
                .setReason(reason)
                .setMessage(m.length() > MAX_MESSAGE_CHARS ? m.substring(0, MAX_MESSAGE_CHARS) + "..." : m)
                .setOriginalKey(key == null ? null : ByteBuffer.wrap(key))
                .setOriginalValue(value == null ? null : ByteBuffer.wrap(value))
                .setFailedAt(failedAt)
                .build();
    }

    /** Replaces any earlier beast.* DLQ headers (e.g. copied from the input) with this failure's. */
    public static void putHeaders(Headers headers, String topic, int partition, long offset, String reason) {
        for (String h : new String[]{HEADER_SOURCE_TOPIC, HEADER_SOURCE_PARTITION, HEADER_SOURCE_OFFSET, HEADER_REASON}) {
            headers.remove(h);
        }
        headers.add(HEADER_SOURCE_TOPIC, utf8(topic));
        headers.add(HEADER_SOURCE_PARTITION, utf8(Integer.toString(partition)));
        headers.add(HEADER_SOURCE_OFFSET, utf8(Long.toString(offset)));
        headers.add(HEADER_REASON, utf8(reason));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
