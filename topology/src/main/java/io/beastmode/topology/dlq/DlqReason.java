package io.beastmode.topology.dlq;

import io.beastmode.serde.WireFormatException;

/**
 * Reason codes the pipeline writes to {@code DeadLetter.reason} and the {@code beast.dlq.reason} header. Wire-format
 * failures reuse {@link WireFormatException.Reason#code()} (bad-magic-byte, truncated, unknown-schema-id, avro-decode),
 * so one vocabulary covers the serde and the pipeline. Codes are a contract: never rename them.
 */
public final class DlqReason {

    /** A required string field is empty (Avro itself guarantees presence, so "missing" means empty or blank). */
    public static final String MISSING_FIELD = "missing-field";
    /** Latency, TTFT or lookup latency negative, NaN or infinite. */
    public static final String INVALID_LATENCY = "invalid-latency";
    /** Cost or baseline cost negative, NaN or infinite. */
    public static final String INVALID_COST = "invalid-cost";
    /** Any other out-of-range value: negative tokens, quality or similarity outside [0,1], oversized strings. */
    public static final String INVALID_VALUE = "invalid-value";
    /** Event time before the configured minimum (default 2015-01-01) or beyond now + the configured skew. */
    public static final String EVENT_TIME_OUT_OF_RANGE = "event-time-out-of-range";
    /** The event's tumbling window had already closed (end + grace) when it arrived. */
    public static final String LATE_EVENT = "late-event";
    /** A record with a null value (tombstone) on an input topic. */
    public static final String NULL_VALUE = "null-value";
    /** Any other decode failure (not a wire-format problem, e.g. a record of an unexpected type). */
    public static final String DECODE_ERROR = "decode-error";

    private DlqReason() {
    }

    public static String of(WireFormatException e) {
        return e.reason().code();
    }
}
