package io.beastmode.topology.window;

import io.beastmode.topology.model.Decoded;
import io.beastmode.topology.model.DimensionKeys;
import io.beastmode.topology.model.Observation;
import io.beastmode.topology.model.Shuffled;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Upstream half of the windows, in the decode task: fans each valid event out to its dimension keys, combines them
 * per (dimension key, tumbling window) in memory, and sends the partial aggregates and this task's watermark to the
 * by-dimension repartition topic (watermarks to every partition). Kafka Streams has no cross-task watermarks;
 * without them, a downstream task's stream time is driven by whichever upstream task runs furthest ahead, and any
 * backlog makes valid events "late".
 *
 * <p><b>Combining.</b> An event adds to several windows' aggregates (one per dimension key, about six); sending each
 * copy through the repartition topic, and logging each downstream, was most of the pipeline's cost. Combined, a
 * busy window costs one record per key per flush. In memory an event adds to the partial of its combination of
 * keys, rolled up to the keys when sent ({@link WindowPartials}). Partials are sent (a) before every commit of this
 * task, through {@link CommitHookStore}, inside the transaction that commits the input offsets of the events they
 * hold, so a crash loses nothing and duplicates nothing; and (b) before a watermark that passes their window's end,
 * so downstream never closes a window with a partial of it still here. An event whose window downstream may already
 * have closed (at or behind the watermark this task has sent, or while this task is idle or has sent none) is not
 * combined: its copies go out one by one, as before, so downstream decides whether each is late and the ALL copy,
 * which carries the provenance, can go to the dead-letter topic.
 *
 * <p><b>Watermark.</b> The smallest over this task's input topics of the largest event time seen on each, minus the
 * grace: a task reads 4 topic partitions, and records of one topic may reach it minutes (a producer batch) after
 * newer records of another, so the task's overall stream time would run ahead of its own data. A topic with no record
 * for {@code idleMs} (of active time: wall clock while the stream thread runs, see {@link ActiveClock}) is left
 * out of the minimum (no data on it, or the end of a replay); when all are idle, the largest counts. A topic this
 * task has not read a record of yet, but which had records waiting for it at init ({@link InputBacklog}), holds the
 * watermark back until its first record (a dead letter counts, through {@link Decoded#READ}) or until it has been
 * silent for {@code idleMs}: the pipeline runs with {@code max.task.idle.ms=-1}, so Kafka Streams processes whatever
 * topic is buffered without waiting for the others, and at a start the first fetch may bring one topic only. (Kafka
 * Streams' own wait, for partitions with unknown or non-zero lag, made every task stop whenever one of its four
 * queues ran dry and cost about a fifth of the stream threads' CPU.) The largest watermark sent is kept in a
 * changelogged store, so a restarted task knows which windows downstream may have closed.
 *
 * <p>The watermark goes out as soon as it crosses a window boundary (windows only close on boundaries, and this makes
 * closing deterministic: right after the record that moved it), and on a wall-clock punctuation whenever it moved at
 * all. A task whose inputs have had no record for {@code watermark.idle} (its wall clock) says so with an idle marker
 * ({@link #IDLE_HEADER}, repeated now and then) and stops holding windows open until its next record.
 */
public final class PartialWindowEmitter implements Processor<byte[], Decoded, String, Shuffled> {

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
    private final double tolerance;
    private final String hookStoreName;
    private final String sentStoreName;
    /** The input topics this task reads. */
    private final List<String> inputTopics;
    /** Which of them had records waiting at init: those hold the watermark until seen or silent for {@code idleMs}. */
    private final InputBacklog backlog;
    /**
     * Partial aggregates not sent yet, by window start (see {@link WindowPartials}). Few windows are open at a time,
     * and the one an event falls in is usually the previous event's ({@link #lastStart}).
     */
    private final TreeMap<Long, WindowPartials> partials = new TreeMap<>();
    private long lastStart = Long.MIN_VALUE;
    private WindowPartials lastWindow;
    private KeyValueStore<Integer, Long> sentStore;
    /** Per input topic: largest event time, active time of the last record. */
    private final Map<String, long[]> topics = new HashMap<>();
    private ProcessorContext<String, Shuffled> context;
    private int partition;
    private long sent = Long.MIN_VALUE;
    private ActiveClock active;
    /** Active time (see {@link ActiveClock}) of the last input record (or of init), and of the last idle marker sent (MIN: active). */
    private long lastInput;
    private long idleSentAt = Long.MIN_VALUE;
    /**
     * Whether this task has sent a plain watermark since init. Until then downstream may still count it idle (from an
     * idle marker sent before a restart), so its events are not combined.
     */
    private boolean announced;

    /**
     * @param inputTopics   the topics this processor's task reads
     * @param backlog       which of them had records waiting when the task started
     * @param hookStoreName a {@link CommitHookStore} connected to this processor
     * @param sentStoreName a key-value store (partition to largest watermark sent) connected to this processor
     */
    public PartialWindowEmitter(long graceMs, long windowMs, Duration interval, long idleMs, double tolerance,
                                List<String> inputTopics, InputBacklog backlog, String hookStoreName,
                                String sentStoreName) {
        this.inputTopics = List.copyOf(inputTopics);
        this.backlog = backlog;
        this.idleMs = idleMs;
        this.tolerance = tolerance;
        this.hookStoreName = hookStoreName;
        this.sentStoreName = sentStoreName;
        this.graceMs = graceMs;
        this.windowMs = windowMs;
        this.interval = interval;
    }

    @Override
    public void init(ProcessorContext<String, Shuffled> context) {
        this.context = context;
        this.partition = context.taskId().partition();
        clearPartials();
        this.sentStore = context.getStateStore(sentStoreName);
        BeforeCommit.register(context, hookStoreName, () -> sendPartials(Long.MAX_VALUE));
        // Idleness counts only time this task was running: a stalled stream thread must not make topics look silent.
        this.active = new ActiveClock(Math.max(2_000L, 4 * interval.toMillis()));
        this.topics.clear();
        Long sentBefore = sentStore.get(partition);
        this.sent = sentBefore == null ? Long.MIN_VALUE : sentBefore;
        this.idleSentAt = Long.MIN_VALUE;
        this.announced = false;
        this.lastInput = active.advance(context.currentSystemTimeMs());
        // Records waiting on a topic not read yet: no event time so far, and silent since init.
        backlog.topicsWithRecordsToRead(inputTopics, partition)
                .forEach(t -> topics.put(t, new long[] {Long.MIN_VALUE, lastInput}));
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
    public void process(Record<byte[], Decoded> record) {
        Decoded d = record.value();
        if (d.isReadMarker()) {
            // A record with no observation (a dead letter, an ignored feedback): its topic was read, and if that was
            // all it had waiting it must not hold the watermark until watermark.idle. A valid record counts it again.
            context.recordMetadata().map(RecordMetadata::topic).ifPresent(topic -> {
                long[] t = topics.get(topic);
                if (t != null && t[0] == Long.MIN_VALUE) {
                    topics.remove(topic);
                }
            });
            return;
        }
        Observation o = d.observation();
        long ts = record.timestamp();
        long start = ts - Math.floorMod(ts, windowMs);
        if (!announced || idleSentAt != Long.MIN_VALUE || start + windowMs <= sent) {
            sendEach(record, d);
        } else {
            WindowPartials window = start == lastStart ? lastWindow : window(start);
            window.add(d.dimensionKeys(), o);
        }
        long now = active.advance(context.currentSystemTimeMs());
        String topic = context.recordMetadata().map(RecordMetadata::topic).orElse("");
        long[] t = topics.computeIfAbsent(topic, k -> new long[] {Long.MIN_VALUE, now});
        t[0] = Math.max(t[0], record.timestamp());
        t[1] = now;
        lastInput = now;
        long wm = watermark(now);
        if (!announced || idleSentAt != Long.MIN_VALUE) {
            // Started, or active again: say so at once (after the record, which was sent uncombined).
            announced = true;
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
        if (!idle) {
            announced = true;
        }
        // Downstream may close every window ending at or before the watermark (an idle task: every window) once it
        // has this record, so their partials go first.
        sendPartials(idle ? Long.MAX_VALUE : watermark);
        sent = watermark;
        sentStore.put(partition, sent);
        RecordHeaders headers = new RecordHeaders();
        if (idle) {
            headers.add(IDLE_HEADER, new byte[] {1});
        }
        // Timestamp of the watermark record: never older than the data before it.
        context.forward(new Record<>(WATERMARK_KEY, Shuffled.watermark(partition, sent),
                watermark == Long.MIN_VALUE ? 0L : Math.max(watermark + graceMs, 0L), headers));
    }

    /** The event's copies one by one, provenance only on the ALL copy (the one that may become a late dead letter). */
    private void sendEach(Record<byte[], Decoded> record, Decoded d) {
        Observation bare = d.observation().withProvenance(null);
        for (String key : d.dimensionKeys()) {
            Observation copy = DimensionKeys.ALL.equals(key) ? d.observation() : bare;
            context.forward(new Record<>(key, Shuffled.of(copy), record.timestamp(), record.headers()));
        }
    }

    private WindowPartials window(long start) {
        lastStart = start;
        lastWindow = partials.computeIfAbsent(start, s -> new WindowPartials(tolerance));
        return lastWindow;
    }

    /** Sends the partials of every window ending at or before {@code through}, oldest window first. */
    private void sendPartials(long through) {
        if (through == Long.MIN_VALUE) {
            return; // no watermark yet: no window ends before it (and through - windowMs would wrap around)
        }
        Iterator<Map.Entry<Long, WindowPartials>> windows = partials.headMap(through - windowMs, true)
                .entrySet().iterator();
        while (windows.hasNext()) {
            Map.Entry<Long, WindowPartials> w = windows.next();
            long start = w.getKey();
            for (Map.Entry<String, WindowPartials.KeyPartial> e : w.getValue().rollUp().entrySet()) {
                WindowPartials.KeyPartial p = e.getValue();
                context.forward(new Record<>(e.getKey(), Shuffled.partial(start, p.observations(), p.aggregate()),
                        start, new RecordHeaders()));
            }
            windows.remove();
            if (start == lastStart) {
                lastStart = Long.MIN_VALUE;
                lastWindow = null;
            }
        }
    }

    private void clearPartials() {
        partials.clear();
        lastStart = Long.MIN_VALUE;
        lastWindow = null;
    }

    @Override
    public void close() {
        // Not sent means not committed: after a clean close the commit hook ran first, after a crash they are read again.
        clearPartials();
    }
}
