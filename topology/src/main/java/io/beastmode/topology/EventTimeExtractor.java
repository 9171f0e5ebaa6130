package io.beastmode.topology;

import io.beastmode.topology.model.Observation;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time for windows. After the by-dimension repartition the value is an {@link Observation} whose event time
 * is read directly; a decoded telemetry record's {@code eventTime} field likewise. The raw input topics carry bytes
 * that are only decoded in the decode step (which then stamps the record with the event time), so for them this
 * falls back to the record timestamp, or to the partition's stream time when that is invalid (negative), so a bad
 * producer timestamp sends a record to the DLQ instead of failing the task.
 */
public final class EventTimeExtractor implements TimestampExtractor {

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        Object value = record.value();
        if (value instanceof Observation o) {
            return o.eventTimeMs();
        }
        if (value instanceof SpecificRecord r && r.getSchema().getField("eventTime") != null) {
            Object t = r.get(r.getSchema().getField("eventTime").pos());
            if (t instanceof Long l) {
                return l;
            }
        }
        if (record.timestamp() >= 0) {
            return record.timestamp();
        }
        return Math.max(partitionTime, 0L);
    }
}
