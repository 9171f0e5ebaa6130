package io.beastmode.topology.decode;

import io.beastmode.analytics.v1.DeadLetter;
import io.beastmode.serde.WireFormatException;
import io.beastmode.topology.PipelineMetrics;
import io.beastmode.topology.dlq.DeadLetters;
import io.beastmode.topology.dlq.DlqReason;
import io.beastmode.topology.model.Decoded;
import io.beastmode.topology.model.Observation;
import io.beastmode.topology.model.Observation.Provenance;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Decodes one input topic's raw bytes with the registry serde, validates and maps the event, and forwards either a
 * valid {@link Decoded} stamped with the event time (so the windows downstream run on event time) or a dead letter
 * carrying the source coordinates in headers, followed by {@link Decoded#READ} for the windows. Nothing thrown here
 * stops the pipeline, except an unreachable registry: that is transient and must not turn good records into dead
 * letters, so it fails the task and the thread is replaced and retries from the last commit.
 */
public final class DecodeProcessor implements FixedKeyProcessor<byte[], byte[], Decoded> {

    private final Observation.Kind kind;
    private final Deserializer<?> deserializer;
    private final EventMapper mapper;
    private final PipelineMetrics metrics;
    private final LongSupplier clock;
    private final Map<String, Sensor> sensors = new HashMap<>();
    private FixedKeyProcessorContext<byte[], Decoded> context;

    public DecodeProcessor(Observation.Kind kind, Deserializer<?> deserializer, EventMapper mapper,
                           PipelineMetrics metrics, LongSupplier clock) {
        this.kind = kind;
        this.deserializer = deserializer;
        this.mapper = mapper;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public void init(FixedKeyProcessorContext<byte[], Decoded> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<byte[], byte[]> record) {
        metrics.eventIn(kind);
        RecordMetadata meta = context.recordMetadata().orElse(null);
        String topic = meta == null ? "<unknown>" : meta.topic();
        int partition = meta == null ? -1 : meta.partition();
        long offset = meta == null ? -1 : meta.offset();
        if (record.value() == null) {
            deadLetter(record, topic, partition, offset, DlqReason.NULL_VALUE, "null value (tombstone)");
            return;
        }
        Object event;
        try {
            event = deserializer.deserialize(topic, record.headers(), record.value());
        } catch (WireFormatException e) {
            if (e.reason() == WireFormatException.Reason.REGISTRY_UNAVAILABLE) {
                throw e;
            }
            deadLetter(record, topic, partition, offset, DlqReason.of(e), e.getMessage());
            return;
        } catch (RuntimeException e) {
            deadLetter(record, topic, partition, offset, DlqReason.DECODE_ERROR, e.toString());
            return;
        }
        Decoded decoded;
        try {
            decoded = mapper.map(event, clock.getAsLong());
        } catch (InvalidEventException e) {
            deadLetter(record, topic, partition, offset, e.reason(), e.getMessage());
            return;
        }
        if (decoded == null) { // quality feedback: valid, but not aggregated yet
            metrics.feedbackIgnored();
            context.forward(record.withValue(Decoded.READ));
            return;
        }
        Observation o = decoded.observation();
        long eventTime = o.eventTimeMs();
        metrics.eventValid(kind, eventTime);
        Decoded withProvenance = Decoded.valid(
                o.withProvenance(new Provenance(topic, partition, offset, record.timestamp(), record.key())),
                decoded.dimensionKeys());
        context.forward(record.withValue(withProvenance).withTimestamp(eventTime));
    }

    private void deadLetter(FixedKeyRecord<byte[], byte[]> record, String topic, int partition, long offset,
                            String reason, String message) {
        metrics.deadLetter(reason);
        sensor(reason).record();
        DeadLetter dl = DeadLetters.deadLetter(topic, partition, offset, record.timestamp(), reason, message,
                record.key(), record.value(), clock.getAsLong());
        DeadLetters.putHeaders(record.headers(), topic, partition, offset, reason);
        // A record with a broken (negative) timestamp could not be produced to the DLQ; use the failure time.
        long ts = record.timestamp() >= 0 ? record.timestamp() : clock.getAsLong();
        context.forward(record.withValue(Decoded.dead(dl)).withTimestamp(ts));
        context.forward(record.withValue(Decoded.READ).withTimestamp(ts));
    }

    /** Kafka Streams metric {@code dead-letters-total/-rate}, group stream-beast-dlq-metrics, tag beast-dlq-id=reason. */
    private Sensor sensor(String reason) {
        return sensors.computeIfAbsent(reason, r -> context.metrics().addRateTotalSensor(
                "beast-dlq", r, "dead-letters", Sensor.RecordingLevel.INFO,
                "task-id", context.taskId().toString(), "source-kind", kind.name().toLowerCase(java.util.Locale.ROOT)));
    }

    @Override
    public void close() {
        if (context != null) {
            sensors.values().forEach(s -> context.metrics().removeSensor(s));
        }
        sensors.clear();
    }
}
