package io.beastmode.topology.insight;

import io.beastmode.analytics.v1.RoutingAck;
import io.beastmode.analytics.v1.WindowMetrics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time of the insight inputs: a window counts at its end (when it closed, so the engine's clock is the latest
 * window end, as it expects), an ack at its {@code at}. Anything else keeps the record timestamp.
 */
public final class InsightTimestampExtractor implements TimestampExtractor {

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        if (record.value() instanceof WindowMetrics w) {
            return w.getWindowEnd();
        }
        if (record.value() instanceof RoutingAck a) {
            return a.getAt();
        }
        return record.timestamp() >= 0 ? record.timestamp() : Math.max(partitionTime, 0L);
    }
}
