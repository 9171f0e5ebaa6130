package io.beastmode.topology.window;

import io.beastmode.analytics.v1.WindowMetrics;
import io.beastmode.processors.metrics.WindowAggregate;
import io.beastmode.topology.PipelineMetrics;
import io.beastmode.topology.dlq.LateDeadLetterProcessor;
import io.beastmode.topology.model.DimensionKeys;
import io.beastmode.topology.model.MetricsMapper;
import io.beastmode.topology.model.Observation;
import io.beastmode.topology.model.Shuffled;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * Downstream half of the per-partition watermarks: event-time windows closed by the low watermark, the minimum over
 * every upstream (decode) task's watermark, instead of this task's own stream time (which the fastest upstream task
 * drives). Observations are added to their tumbling window unless it closed already ({@code end <= closedThrough});
 * a closed window is emitted exactly once (final=true). Hopping windows are derived when they close by merging the
 * closed tumbling aggregates they cover (sketches merge; percentiles are never averaged), so every event is
 * aggregated once.
 *
 * <p>An upstream task that has declared itself idle (no input for {@code idleMs} of its own active time; Flink
 * calls this idleness) is left out of the minimum until its next watermark, and its events, if they come later, may
 * be late. One that has never sent a watermark holds the low watermark at minus infinity for {@code idleMs} of active
 * time after init (wall clock while this stream thread runs, {@link ActiveClock}). State (the store of open windows behind
 * the open aggregates, the closed windows, watermarks, the close point) lives in changelogged stores, so an
 * exactly-once restart resumes exactly where the last commit was.
 *
 * <p>Outputs: {@link WindowMetrics} keyed by the metrics key, and the late ALL copies ({@link Observation}, marked
 * late, with the low watermark in a header) for the dead-letter branch.
 */
public final class WindowCloseProcessor implements Processor<String, Shuffled, String, Object> {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(WindowCloseProcessor.class);

    /** Key of the close point (last window end emitted) in the watermark store, beside the upstream partitions. */
    static final int CLOSED_THROUGH = -1;

    private final String tumblingStoreName;
    /** Name of the hopping windows in the count of emitted windows (they have no store, see MetricsTopology). */
    private final String hoppingTableName;
    private final String watermarkStoreName;
    private final String openStoreName;
    private final String hookStoreName;
    private final long sizeMs;
    private final long hoppingMs;
    private final long advanceMs;
    private final int upstreamPartitions;
    private final long idleMs;
    private final double tolerance;
    private final boolean interim;
    private final Duration interimInterval;
    private final PipelineMetrics metrics;
    private final LongSupplier clock;

    private ProcessorContext<String, Object> context;
    private WindowStore<String, WindowAggregate> tumbling;
    private KeyValueStore<Integer, Long> watermarks;
    private KeyValueStore<Bytes, WindowAggregate> openStore;
    private long closedThrough;
    private long initAt;
    /** Partitions beyond the expected count that reported (more input partitions than configured) count too. */
    private int reporting;
    /** Per upstream partition: active time (see {@link ActiveClock}) of its last watermark report. */
    private final Map<Integer, Long> lastReport = new HashMap<>();
    private ActiveClock active;
    /** Upstream tasks whose latest watermark record declared them idle (PartialWindowEmitter.IDLE_HEADER); in memory. */
    private final Set<Integer> idleUpstream = new HashSet<>();
    /** With interim results on: open windows changed since the last interim results. */
    private final Set<KeyValue<String, Long>> dirty = new LinkedHashSet<>();
    /**
     * The open tumbling windows' aggregates, worked on in memory. What makes them durable is the store of open
     * windows: just before each commit (through {@link CommitHookStore}) every window changed since the last commit
     * is written there, and so to its changelog in the same transaction as the input offsets; a window is deleted
     * from it when it closes, and {@link #init} rebuilds this map from it. Writing once per commit instead of once
     * per update (an observation log, before) or per record (the whole aggregate, before that) is what makes a busy
     * window cheap: its partials and observations arrive many per commit.
     */
    private final Map<KeyValue<String, Long>, WindowAggregate> open = new HashMap<>();
    /** Open windows changed since the last commit, and open windows in the store of open windows. */
    private final Set<KeyValue<String, Long>> unsaved = new HashSet<>();
    private final Set<KeyValue<String, Long>> saved = new HashSet<>();
    private final List<Bytes> staleOpenKeys = new ArrayList<>();
    /**
     * Closed tumbling windows a hopping window still to close covers (start after the close point minus the hopping
     * size), by key and start: kept in memory so closing a minute does not read and decode them back from the store.
     * Rebuilt from the tumbling store at init.
     */
    private final Map<String, TreeMap<Long, WindowAggregate>> closedRecent = new HashMap<>();

    public WindowCloseProcessor(Settings s, PipelineMetrics metrics, LongSupplier clock) {
        this.tumblingStoreName = s.tumblingStore();
        this.hoppingTableName = s.hoppingTable();
        this.watermarkStoreName = s.watermarkStore();
        this.openStoreName = s.openStore();
        this.hookStoreName = s.hookStore();
        this.sizeMs = s.sizeMs();
        this.hoppingMs = s.hoppingMs();
        this.advanceMs = s.advanceMs();
        this.upstreamPartitions = Math.max(1, s.upstreamPartitions());
        this.idleMs = s.idleMs();
        this.tolerance = s.tolerance();
        this.interim = s.interim();
        this.interimInterval = s.interimInterval();
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Store names, window sizes and options of the processor. */
    public record Settings(String tumblingStore, String hoppingTable, String watermarkStore, String openStore,
                           String hookStore,
                           long sizeMs, long hoppingMs, long advanceMs, int upstreamPartitions,
                           long idleMs, double tolerance, boolean interim, Duration interimInterval) {
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.tumbling = context.getStateStore(tumblingStoreName);
        this.watermarks = context.getStateStore(watermarkStoreName);
        this.openStore = context.getStateStore(openStoreName);
        Long closed = watermarks.get(CLOSED_THROUGH);
        this.closedThrough = closed == null ? Long.MIN_VALUE : closed;
        if (closed != null) {
            metrics.closedThrough(context.taskId().partition(), closed);
        }
        long idleCheck = Math.max(100L, Math.min(idleMs / 2, 1_000L));
        // Idleness counts only time this task was running: a stalled stream thread must not make inputs look silent.
        this.active = new ActiveClock(Math.max(2_000L, 2 * idleCheck));
        this.lastReport.clear();
        this.idleUpstream.clear();
        this.open.clear();
        this.dirty.clear();
        this.unsaved.clear();
        this.saved.clear();
        this.staleOpenKeys.clear();
        this.initAt = active.advance(context.currentSystemTimeMs());
        this.closedRecent.clear();
        rebuildOpenWindows();
        loadTumblingStore();
        BeforeCommit.register(context, hookStoreName, this::saveChangedWindows);
        try (KeyValueIterator<Integer, Long> it = watermarks.all()) {
            it.forEachRemaining(kv -> reporting = Math.max(reporting, kv.key + 1));
        }
        // Idle upstream tasks are noticed on wall clock: they send nothing that would trigger a check.
        context.schedule(Duration.ofMillis(idleCheck), PunctuationType.WALL_CLOCK_TIME,
                wall -> advance(active.advance(wall)));
        // Queries read open windows from the store of open windows (saved before each commit); the tumbling store
        // gets a window when it closes. Open windows were also copied into the tumbling store every interval, about
        // 4% of the stream thread, and a copy of a window far ahead (a task racing through a backlog) could make
        // the slower tasks' windows unwritable there when they closed (the store drops writes older than its
        // newest minus the retention).
        if (interim) {
            context.schedule(interimInterval, PunctuationType.WALL_CLOCK_TIME, now -> emitInterimResults());
        }
    }

    /** The open windows' aggregates from their store (after a restart, restore or rebalance). */
    private void rebuildOpenWindows() {
        try (KeyValueIterator<Bytes, WindowAggregate> it = openStore.all()) {
            while (it.hasNext()) {
                KeyValue<Bytes, WindowAggregate> kv = it.next();
                byte[] k = kv.key.get();
                long start = windowStart(k);
                if (start + sizeMs <= closedThrough || kv.value == null) {
                    staleOpenKeys.add(kv.key); // deleted with the close that passed it; only a bug could keep it
                    continue;
                }
                KeyValue<String, Long> window = KeyValue.pair(dimensionKey(k), start);
                open.put(window, kv.value);
                saved.add(window);
                if (interim) {
                    dirty.add(window);
                }
            }
        }
    }

    /** Before each commit: the open windows changed since the last one go to their store (and its changelog). */
    private void saveChangedWindows() {
        staleOpenKeys.forEach(openStore::delete); // not in init: changelogged writes need a record context
        staleOpenKeys.clear();
        for (KeyValue<String, Long> w : unsaved) {
            WindowAggregate agg = open.get(w);
            if (agg != null) {
                openStore.put(openKey(w.value, w.key), agg);
                saved.add(w);
            }
        }
        unsaved.clear();
    }

    /**
     * From the tumbling store: the closed windows hopping windows still need, and (after an upgrade from a version
     * that kept open windows only there) the last snapshot of an open window that is not in the store of open windows.
     */
    private void loadTumblingStore() {
        long from = closedThrough == Long.MIN_VALUE ? 0L : Math.max(0L, closedThrough - hoppingMs + 1);
        try (KeyValueIterator<Windowed<String>, WindowAggregate> it =
                     tumbling.fetchAll(Instant.ofEpochMilli(from), Instant.ofEpochMilli(Long.MAX_VALUE / 2))) {
            while (it.hasNext()) {
                KeyValue<Windowed<String>, WindowAggregate> kv = it.next();
                long start = kv.key.window().start();
                if (start + sizeMs <= closedThrough) {
                    closedRecent.computeIfAbsent(kv.key.key(), k -> new TreeMap<>()).put(start, kv.value);
                } else {
                    open.putIfAbsent(KeyValue.pair(kv.key.key(), start), kv.value);
                }
            }
        }
    }

    /** Key in the store of open windows: window start (sign-flipped big-endian), then the dimension key. */
    public static Bytes openKey(long start, String dimensionKey) {
        byte[] key = dimensionKey.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(8 + key.length).putLong(start ^ Long.MIN_VALUE).put(key).array());
    }

    public static long windowStart(byte[] openKey) {
        return ByteBuffer.wrap(openKey).getLong() ^ Long.MIN_VALUE;
    }

    public static String dimensionKey(byte[] openKey) {
        return new String(openKey, 8, openKey.length - 8, StandardCharsets.UTF_8);
    }

    @Override
    public void process(Record<String, Shuffled> record) {
        Shuffled s = record.value();
        if (s == null) {
            return;
        }
        if (s.isWatermark()) {
            int p = s.watermark().sourcePartition();
            if (record.headers().lastHeader(PartialWindowEmitter.IDLE_HEADER) != null) {
                idleUpstream.add(p);
                long wm = s.watermark().watermarkMs();
                Long known = watermarks.get(p);
                if (wm != Long.MIN_VALUE && (known == null || wm > known)) {
                    watermarks.put(p, wm); // the evidence "every task idle" falls back on
                }
                long now = active.advance(context.currentSystemTimeMs());
                lastReport.put(p, now);
                reporting = Math.max(reporting, p + 1);
                advance(now);
                return;
            }
            idleUpstream.remove(p);
            Long known = watermarks.get(p);
            if (known == null || s.watermark().watermarkMs() > known) {
                watermarks.put(p, s.watermark().watermarkMs());
            }
            long now = active.advance(context.currentSystemTimeMs());
            lastReport.put(p, now);
            reporting = Math.max(reporting, p + 1);
            advance(now);
            return;
        }
        if (s.isPartial()) {
            Shuffled.Partial partial = s.partial();
            if (partial.windowStartMs() + sizeMs <= closedThrough) {
                // The upstream task combines only windows its own watermark has not passed, and sends them before a
                // watermark that does, so this takes an upstream task that downstream counted idle while it was not.
                metrics.lateRecords(partial.observations());
                LOG.warn("a partial of {} observations for {} window {} came after the window closed (through {}); "
                        + "they are counted in lateRecords, not dead-lettered", partial.observations(), record.key(),
                        Instant.ofEpochMilli(partial.windowStartMs()), Instant.ofEpochMilli(closedThrough));
                return;
            }
            add(record.key(), s, partial.windowStartMs());
            return;
        }
        Observation o = s.observation();
        long ts = record.timestamp();
        long start = ts - Math.floorMod(ts, sizeMs);
        if (start + sizeMs <= closedThrough) {
            metrics.lateRecord();
            if (DimensionKeys.ALL.equals(record.key())) {
                Record<String, Object> late = new Record<>(record.key(), o.withLate(true), ts, record.headers());
                late.headers().remove(LateDeadLetterProcessor.STREAM_TIME_HEADER);
                late.headers().add(LateDeadLetterProcessor.STREAM_TIME_HEADER,
                        Long.toString(closedThrough).getBytes(StandardCharsets.UTF_8));
                context.forward(late);
            }
            return;
        }
        add(record.key(), s, start);
    }

    private void add(String key, Shuffled value, long start) {
        KeyValue<String, Long> window = KeyValue.pair(key, start);
        // Every open window is in memory after init (loadTumblingStore took in an upgrade's snapshots too).
        addTo(open.computeIfAbsent(window, w -> new WindowAggregate(tolerance)), value);
        if (interim) {
            dirty.add(window);
        }
        unsaved.add(window);
    }

    private static void addTo(WindowAggregate agg, Shuffled value) {
        if (value.isPartial()) {
            agg.merge(value.partial().aggregate());
        } else {
            value.observation().addTo(agg);
        }
    }

    /**
     * The low watermark over live upstream tasks, or null while one that counts has not reported yet.
     *
     * @param now active time (see {@link ActiveClock}), not wall clock
     */
    private Long lowWatermark(long now) {
        long low = Long.MAX_VALUE;
        boolean any = false;
        int tasks = Math.max(upstreamPartitions, reporting);
        for (int p = 0; p < tasks; p++) {
            Long wm = watermarks.get(p);
            boolean idle = idle(p, now);
            if (idle) {
                continue;
            }
            if (wm == null) {
                return null;
            }
            low = Math.min(low, wm);
            any = true;
        }
        if (!any) {
            // Every task idle: the largest watermark any of them reported is the best evidence left.
            for (int p = 0; p < tasks; p++) {
                Long wm = watermarks.get(p);
                if (wm != null) {
                    low = any ? Math.max(low, wm) : wm;
                    any = true;
                }
            }
        }
        return any ? low : null;
    }

    /**
     * Whether upstream task {@code p} no longer holds windows open: it declared itself idle (no input for
     * {@code idleMs} of its own clock), or it has never sent a watermark and {@code idleMs} passed here since init
     * (an input partition with no valid event yet, or a task that does not run). A task with a known watermark holds
     * windows open until it declares idleness, however long its records take to arrive: a backlog is not silence.
     *
     * @param now active time (see {@link ActiveClock})
     */
    private boolean idle(int p, long now) {
        if (idleUpstream.contains(p)) {
            return true;
        }
        return watermarks.get(p) == null && now - lastReport.getOrDefault(p, initAt) >= idleMs;
    }

    private void advance(long now) {
        Long low = lowWatermark(now);
        if (low == null || low == Long.MIN_VALUE) {
            return; // MIN_VALUE: a task that is running but has no watermark yet (one of its topics not seen)
        }
        long next = Math.floorDiv(low, sizeMs) * sizeMs;
        if (next <= closedThrough) {
            return;
        }
        Map<KeyValue<String, Long>, WindowAggregate> closing = new HashMap<>();
        for (var it = open.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<KeyValue<String, Long>, WindowAggregate> e = it.next();
            if (e.getKey().value + sizeMs <= next) {
                closing.put(e.getKey(), e.getValue());
                it.remove();
                unsaved.remove(e.getKey());
                if (saved.remove(e.getKey())) {
                    openStore.delete(openKey(e.getKey().value, e.getKey().key));
                }
            }
        }
        close(closedThrough, next, closing);
        closedThrough = next;
        watermarks.put(CLOSED_THROUGH, next);
        metrics.closedThrough(context.taskId().partition(), next);
    }

    /**
     * Emits every tumbling and hopping window whose end lies in (prev, next], oldest end first, and writes the
     * tumbling ones to their store in that order (a window store drops writes older than its newest write minus the
     * retention, so after a large jump of the close point, writing a late window first could drop the earlier ones).
     * Hopping windows are only emitted: queries merge them from the tumbling store.
     *
     * @param closing the tumbling windows closing now, from memory
     */
    private void close(long prev, long next, Map<KeyValue<String, Long>, WindowAggregate> closing) {
        closing.forEach((w, agg) -> closedRecent.computeIfAbsent(w.key, k -> new TreeMap<>()).put(w.value, agg));
        List<Emit> out = new ArrayList<>();
        for (Map.Entry<String, TreeMap<Long, WindowAggregate>> e : closedRecent.entrySet()) {
            String key = e.getKey();
            TreeMap<Long, WindowAggregate> windows = e.getValue();
            TreeSet<Long> hopStarts = new TreeSet<>();
            for (Map.Entry<Long, WindowAggregate> w : windows.entrySet()) {
                long start = w.getKey();
                if (start + sizeMs > prev) {
                    out.add(new Emit(key, start, start + sizeMs, 0, w.getValue()));
                }
                // Hopping windows (starts aligned on the advance) that contain this tumbling window and close now.
                for (long hs = start - Math.floorMod(start, advanceMs); hs > start - hoppingMs; hs -= advanceMs) {
                    long end = hs + hoppingMs;
                    if (end > prev && end <= next) {
                        hopStarts.add(hs);
                    }
                }
            }
            for (long hs : hopStarts) {
                WindowAggregate merged = new WindowAggregate(tolerance);
                windows.subMap(hs, true, hs + hoppingMs, false).values().forEach(merged::merge);
                out.add(new Emit(key, hs, hs + hoppingMs, 1, merged));
            }
        }
        out.sort(Comparator.comparingLong(Emit::end).thenComparingInt(Emit::kind).thenComparing(Emit::key));
        long emittedAt = clock.getAsLong();
        for (Emit e : out) {
            // Oldest first, so no write is older than an earlier one by more than the window span closing now.
            if (e.kind() == 0) {
                tumbling.put(e.key(), e.agg(), e.start());
            }
        }
        for (Emit e : out) {
            String store = e.kind() == 0 ? tumblingStoreName : hoppingTableName;
            metrics.windowEmitted(store);
            WindowMetrics m = MetricsMapper.toWindowMetrics(e.key(), e.start(), e.end(), e.agg(), true, emittedAt);
            context.forward(new Record<>(DimensionKeys.metricsKey(e.key(), e.end() - e.start(), e.start()),
                    (Object) m, e.end() - 1));
            dirty.remove(KeyValue.pair(e.key(), e.start()));
        }
        // Windows starting at or before next - hopping are covered by no hopping window still to close.
        for (var it = closedRecent.values().iterator(); it.hasNext(); ) {
            TreeMap<Long, WindowAggregate> windows = it.next();
            windows.headMap(next - hoppingMs, true).clear();
            if (windows.isEmpty()) {
                it.remove();
            }
        }
    }

    @Override
    public void close() {
        open.clear();
        unsaved.clear();
        saved.clear();
        closedRecent.clear();
        dirty.clear();
    }

    private record Emit(String key, long start, long end, int kind, WindowAggregate agg) {
    }

    /** With interim results on: the open tumbling windows that changed since the last one, as final=false results. */
    private void emitInterimResults() {
        long emittedAt = clock.getAsLong();
        for (var it = dirty.iterator(); it.hasNext(); ) {
            KeyValue<String, Long> w = it.next();
            it.remove();
            long start = w.value;
            WindowAggregate agg = open.get(w);
            if (start + sizeMs <= closedThrough || agg == null) {
                continue;
            }
            WindowMetrics m = MetricsMapper.toWindowMetrics(w.key, start, start + sizeMs, agg, false, emittedAt);
            context.forward(new Record<>(DimensionKeys.metricsKey(w.key, sizeMs, start), (Object) m,
                    start + sizeMs - 1));
        }
    }
}
