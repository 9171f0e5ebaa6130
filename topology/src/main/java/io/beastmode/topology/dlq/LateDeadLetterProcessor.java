package io.beastmode.topology.dlq;

import io.beastmode.analytics.v1.DeadLetter;
import io.beastmode.topology.PipelineMetrics;
import io.beastmode.topology.model.Observation;
import io.beastmode.topology.model.Observation.Provenance;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import java.util.function.LongSupplier;

/**
 * Turns a late ALL-dimension copy into a {@code late-event} dead letter keyed by the original key bytes. The
 * original value bytes are not carried through the repartition (that would double its traffic), so
 * {@code originalValue} is null; the source topic, partition and offset in the headers locate the original record.
 */
public final class LateDeadLetterProcessor implements Processor<String, Observation, byte[], DeadLetter> {

    /** Header of the late copy: the close point (low watermark, floored to a window end) it arrived behind. */
    public static final String STREAM_TIME_HEADER = "beast.stream.time";
    private final long windowSizeMs;
    private final long graceMs;
    private final PipelineMetrics metrics;
    private final LongSupplier clock;
    private ProcessorContext<byte[], DeadLetter> context;

    public LateDeadLetterProcessor(long windowSizeMs, long graceMs, PipelineMetrics metrics, LongSupplier clock) {
        this.windowSizeMs = windowSizeMs;
        this.graceMs = graceMs;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<byte[], DeadLetter> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, Observation> record) {
        Provenance p = record.value().provenance();
        if (p == null) {
            return;
        }
        metrics.deadLetter(DlqReason.LATE_EVENT);
        long ts = record.timestamp();
        long windowEnd = ts - Math.floorMod(ts, windowSizeMs) + windowSizeMs;
        var streamTime = record.headers().lastHeader(STREAM_TIME_HEADER);
        DeadLetter dl = DeadLetters.deadLetter(p.topic(), p.partition(), p.offset(), p.timestamp(),
                DlqReason.LATE_EVENT, "event time " + ts + " is in window ending " + windowEnd
                        + ", which closed (end + grace " + graceMs + " ms) before the event arrived"
                        + (streamTime == null ? "" : " (windows closed through "
                        + new String(streamTime.value(), java.nio.charset.StandardCharsets.UTF_8) + ")"),
                p.originalKey(), null, clock.getAsLong());
        Record<byte[], DeadLetter> out = new Record<>(p.originalKey(), dl, ts, record.headers());
        out.headers().remove(STREAM_TIME_HEADER);
        DeadLetters.putHeaders(out.headers(), p.topic(), p.partition(), p.offset(), DlqReason.LATE_EVENT);
        context.forward(out);
    }
}
