package io.beastmode.simulator;

import org.apache.avro.specific.SpecificRecord;

/**
 * One generated telemetry event, in the order the simulator emits them (event time, then generation order).
 *
 * @param record a RequestEvent, CacheEvent, SelectionEvent or CostEvent
 */
public record SimEvent(long eventTime, long sequence, EventKind kind, String requestId, SpecificRecord record) {
}
