package io.beastmode.topology.window;

import org.apache.kafka.common.header.internals.RecordHeaders;
import io.beastmode.topology.model.Observation;
import io.beastmode.topology.model.Shuffled;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import org.apache.kafka.streams.processor.api.RecordMetadata;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Upstream half of the per-partition watermarks, in the decode task: forwards the fanned-out observations and sends
 * this task's watermark to every partition of the repartition topic. Kafka Streams has no cross-task watermarks; without them, a downstream task's stream time is
 * driven by whichever upstream task runs furthest ahead, and any backlog makes valid events "late".
 *
 * <p>The watermark is the smallest over this task's input topics of the largest event time seen on each, minus the
 * grace: a task reads 4 topic partitions, and records of one topic may reach it minutes (a producer batch) after
 * newer records of another, so the task's overall stream time would run ahead of its own data. A topic with no record
 * for {@code idleMs} (of active time: wall clock while the stream thread runs, see {@link ActiveClock}) is left
 * out of the minimum (no data on it, or the end of a replay); when all are idle, the largest counts. A topic this
 * task has not seen a record of yet does not count: Kafka Streams' own enforced processing (it waits for partitions
 * with unknown or non-zero lag before picking the oldest buffered record) covers the start.
 *
 * <p>The watermark goes out as soon as it crosses a window boundary (windows only close on boundaries, and this makes
 * closing deterministic: right after the record that moved it), and on a wall-clock punctuation whenever it moved at
 * all. A task whose inputs have had no record for {@code watermark.idle} (its wall clock) says so with an idle marker
 * ({@link #IDLE_HEADER}, repeated now and then) and stops holding windows open until its next record.
 */
public final class WatermarkEmitter implements Processor<String, Observation, String, Shuffled> {

    /**
     * Header of a watermark record that says "this task is idle": its inputs have had no record for
     * {@code watermark.idle} of its own wall clock. Downstream leaves an idle task out of the low watermark until it
     * sends a plain watermark again. Idleness is declared where it is known, at the input: judged downstream, on the
     * window task's clock, a backlog in the repartition topic (after a restart, a stall, a broker outage) made tasks
     * whose records were merely queued look idle, and their events late.
     */
    public static final String IDLE_HEADER = "beast.wm.idle";

    /** Key of watermark records; the multicast partitioner ignores it. */
    public static final String WATERMARK_KEY = "\u0000watermark";

    private final long graceMs;
    private final long windowMs;
    private final Duration interval;
    private final long idleMs;
    /** Per input topic: largest event time, active time of the last record. */
    private final Map<String, long[]> topics = new HashMap<>();
    private ProcessorContext<String, Shuffled> context;
    private int partition;
    private long sent = Long.MIN_VALUE;
    private ActiveClock active;
    /** Active time (see {@link ActiveClock}) of the last input record (or of init), and of the last idle marker sent (MIN: active). */
    private long lastInput;
    private long idleSentAt = Long.MIN_VALUE;

    public WatermarkEmitter(long graceMs, long windowMs, Duration interval, long idleMs) {
        this.idleMs = idleMs;
        this.graceMs = graceMs;
        this.windowMs = windowMs;
        this.interval = interval;
    }

    @Override
    public void init(ProcessorContext<String, Shuffled> context) {
        this.context = context;
        this.partition = context.taskId().partition();
        // Idleness counts only time this task was running: a stalled stream thread must not make topics look silent.
        this.active = new ActiveClock(Math.max(2_000L, 4 * interval.toMillis()));
        this.topics.clear();
        this.sent = Long.MIN_VALUE;
        this.idleSentAt = Long.MIN_VALUE;
        this.lastInput = active.advance(context.currentSystemTimeMs());
        context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, wall -> {
            long now = active.advance(wall);
            long wm = watermark(now);
            if (now - lastInput >= idleMs) {
                // Carries the latest watermark (its topics may have gone idle at the same moment and moved it), and is
                // repeated now and then, so a window task that restarted (idleness is not stored) learns it again.
                if (idleSentAt == Long.MIN_VALUE || wm > sent || now - idleSentAt >= Math.max(1_000L, idleMs / 2)) {
                    idleSentAt = now;
                    send(Math.max(wm, sent), true);
                }
                return;
            }
            if (wm > sent) {
                send(wm, false);
            }
        });
    }

    @Override
    public void process(Record<String, Observation> record) {
        context.forward(record.withValue(Shuffled.of(record.value())));
        long now = active.advance(context.currentSystemTimeMs());
        String topic = context.recordMetadata().map(RecordMetadata::topic).orElse("");
        long[] t = topics.computeIfAbsent(topic, k -> new long[] {Long.MIN_VALUE, now});
        t[0] = Math.max(t[0], record.timestamp());
        t[1] = now;
        lastInput = now;
        long wm = watermark(now);
        if (idleSentAt != Long.MIN_VALUE) {
            // Active again: say so at once (after the record, which the idle state let through without holding).
            idleSentAt = Long.MIN_VALUE;
            send(Math.max(wm, sent), false);
        } else if (wm > sent && (sent == Long.MIN_VALUE || Math.floorDiv(wm, windowMs) > Math.floorDiv(sent, windowMs))) {
            send(wm, false);
        }
    }

    private long watermark(long now) {
        long low = Long.MAX_VALUE;
        long high = Long.MIN_VALUE;
        for (long[] t : topics.values()) {
            high = Math.max(high, t[0]);
            if (now - t[1] < idleMs) {
                low = Math.min(low, t[0]);
            }
        }
        long time = low != Long.MAX_VALUE ? low : high;
        return time == Long.MIN_VALUE ? Long.MIN_VALUE : time - graceMs;
    }

    private void send(long watermark, boolean idle) {
        sent = watermark;
        RecordHeaders headers = new RecordHeaders();
        if (idle) {
            headers.add(IDLE_HEADER, new byte[] {1});
        }
        // Timestamp of the watermark record: never older than the data before it.
        context.forward(new Record<>(WATERMARK_KEY, Shuffled.watermark(partition, sent),
                watermark == Long.MIN_VALUE ? 0L : Math.max(watermark + graceMs, 0L), headers));
    }
}
