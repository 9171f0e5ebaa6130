package io.beastmode.topology.dlq;

import io.beastmode.topology.PipelineMetrics;
import java.nio.charset.StandardCharsets;
import io.beastmode.topology.model.Observation;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Sits directly before the window aggregations, in the same task, and replays their drop rule: a window aggregation
 * tracks the largest timestamp it has seen (stream time, including the current record) and drops a record from every
 * window with {@code end <= streamTime - grace}. This processor sees the same records in the same order, so it knows
 * exactly which copies the tumbling aggregation drops, counts them and marks them {@code late}; the ALL-dimension copy
 * (one per event, carrying the provenance) is then routed to the DLQ as {@code late-event}. Every record is forwarded
 * unchanged otherwise: hopping windows that are still open keep accepting it.
 */
public final class LateEventDetector implements FixedKeyProcessor<String, Observation, Observation> {

    static final String STREAM_TIME_HEADER = "beast.stream.time";
    private final long windowSizeMs;
    private final long graceMs;
    private final PipelineMetrics metrics;
    private long streamTime = Long.MIN_VALUE;
    private FixedKeyProcessorContext<String, Observation> context;

    public LateEventDetector(long tumblingWindowMs, long graceMs, PipelineMetrics metrics) {
        this.windowSizeMs = tumblingWindowMs;
        this.graceMs = graceMs;
        this.metrics = metrics;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Observation> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, Observation> record) {
        long ts = record.timestamp();
        streamTime = Math.max(streamTime, ts);
        long windowEnd = ts - Math.floorMod(ts, windowSizeMs) + windowSizeMs;
        boolean late = windowEnd <= streamTime - graceMs;
        if (late) {
            metrics.lateRecord();
        }
        // The stream time rides along in a header so the dead letter can say how late the event was.
        if (late) {
            record.headers().remove(STREAM_TIME_HEADER);
            record.headers().add(STREAM_TIME_HEADER, Long.toString(streamTime).getBytes(StandardCharsets.UTF_8));
        }
        context.forward(record.withValue(record.value().withLate(late)));
    }
}
