package io.beastmode.topology;

import io.beastmode.topology.model.Observation;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one pipeline instance, shared by its processors (all stream threads) and read by the HTTP API (and a
 * later /metrics endpoint). Counts are of processing attempts: after a crash and replay under exactly-once, the
 * output is exact but these in-memory counters may count the replayed records twice.
 */
public final class PipelineMetrics {

    /** By kind (ordinal), created up front: counted for every input record, a map lookup each showed in profiles. */
    private final LongAdder[] eventsIn = adders();
    private final LongAdder[] eventsValid = adders();
    private final ConcurrentMap<String, LongAdder> deadLetters = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, LongAdder> windowsEmitted = new ConcurrentHashMap<>();
    private final LongAdder lateRecords = new LongAdder();
    private final LongAdder feedbackIgnored = new LongAdder();
    private final AtomicLong maxEventTime = new AtomicLong(Long.MIN_VALUE);
    /** Per window task (partition): the end up to which windows have been emitted final (persisted close point). */
    private final ConcurrentMap<Integer, Long> closedThrough = new ConcurrentHashMap<>();

    /** One input record read from the topic of {@code kind}, valid or not. */
    public void eventIn(Observation.Kind kind) {
        eventsIn[kind.ordinal()].increment();
    }

    public void eventValid(Observation.Kind kind, long eventTimeMs) {
        eventsValid[kind.ordinal()].increment();
        if (eventTimeMs > maxEventTime.get()) { // read first: a compare-and-set for every event costs more
            maxEventTime.accumulateAndGet(eventTimeMs, Math::max);
        }
    }

    public void deadLetter(String reason) {
        deadLetters.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    /** A dimension copy of an event that arrived after its tumbling window closed (the window store drops it). */
    public void lateRecords(long n) {
        lateRecords.add(n);
    }

    public void lateRecord() {
        lateRecords.increment();
    }

    /** A QUALITY_FEEDBACK selection event, which the window aggregates cannot use yet. */
    public void feedbackIgnored() {
        feedbackIgnored.increment();
    }

    public void windowEmitted(String store) {
        windowsEmitted.computeIfAbsent(store, s -> new LongAdder()).increment();
    }

    public Map<String, Long> eventsIn() {
        return snapshotByName(eventsIn);
    }

    public Map<String, Long> eventsValid() {
        return snapshotByName(eventsValid);
    }

    public Map<String, Long> deadLetters() {
        return snapshot(deadLetters);
    }

    public long deadLetterCount(String reason) {
        LongAdder a = deadLetters.get(reason);
        return a == null ? 0 : a.sum();
    }

    public long totalDeadLetters() {
        return deadLetters.values().stream().mapToLong(LongAdder::sum).sum();
    }

    public Map<String, Long> windowsEmitted() {
        return snapshot(windowsEmitted);
    }

    public long lateRecords() {
        return lateRecords.sum();
    }

    public long feedbackIgnoredCount() {
        return feedbackIgnored.sum();
    }

    /** Window task {@code partition} has emitted every window ending at or before {@code endMs} (restored at start). */
    public void closedThrough(int partition, long endMs) {
        closedThrough.merge(partition, endMs, Math::max);
    }

    /**
     * The end up to which the windows of window task {@code partition} are closed (emitted final), null when unknown.
     * It comes from the persisted close point, so it is the same before and after a restart (unlike
     * {@link #maxEventTimeMs()}, which counts this process's input only).
     */
    public Long closedThrough(int partition) {
        return closedThrough.get(partition);
    }

    /** Largest valid event time seen by this instance, or null before the first event. */
    public Long maxEventTimeMs() {
        long v = maxEventTime.get();
        return v == Long.MIN_VALUE ? null : v;
    }

    /** Everything, for JSON. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new TreeMap<>();
        m.put("eventsIn", eventsIn());
        m.put("eventsValid", eventsValid());
        m.put("deadLetters", deadLetters());
        m.put("deadLettersTotal", totalDeadLetters());
        m.put("lateRecords", lateRecords());
        m.put("qualityFeedbackIgnored", feedbackIgnoredCount());
        m.put("windowsEmitted", windowsEmitted());
        m.put("maxEventTimeMs", maxEventTimeMs());
        return m;
    }

    private static Map<String, Long> snapshot(Map<String, LongAdder> m) {
        Map<String, Long> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    private static LongAdder[] adders() {
        LongAdder[] adders = new LongAdder[Observation.Kind.values().length];
        for (int i = 0; i < adders.length; i++) {
            adders[i] = new LongAdder();
        }
        return adders;
    }

    /** The kinds seen so far (a kind with no event yet is absent, as before the counters were made up front). */
    private static Map<String, Long> snapshotByName(LongAdder[] byKind) {
        Map<String, Long> out = new TreeMap<>();
        for (Observation.Kind kind : Observation.Kind.values()) {
            long n = byKind[kind.ordinal()].sum();
            if (n > 0) {
                out.put(kind.name().toLowerCase(java.util.Locale.ROOT), n);
            }
        }
        return out;
    }
}
