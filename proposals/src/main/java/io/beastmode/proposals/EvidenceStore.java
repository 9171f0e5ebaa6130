package io.beastmode.proposals;

import io.beastmode.processors.metrics.MetricsSnapshot;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The rolling evidence rules read: the last N window snapshots per series, the last N cache details per tier and
 * namespace, tenant budgets and anomaly states. Bounded by N per series; idle series are evicted. Sorted maps
 * throughout so iteration, and with it every rule's output, is deterministic.
 */
final class EvidenceStore {

    static final byte SERIES_FORMAT = 1;
    private final int capacity;
    private final TreeMap<SeriesKey, Deque<MetricsSnapshot>> series = new TreeMap<>();
    private final TreeMap<String, Deque<CacheMissDetail>> cacheDetails = new TreeMap<>();
    private final TreeMap<String, TenantBudget> budgets = new TreeMap<>();
    private final TreeMap<String, AnomalyState> anomalies = new TreeMap<>();
    /** Per series, each kept window's encoding by identity (windows are immutable; a re-emission is a new one). */
    private final Map<SeriesKey, Map<MetricsSnapshot, byte[]>> encodedWindows = new HashMap<>();
    /** Series added to or evicted since the last {@link #drainSeriesParts()} (for incremental persistence). */
    private final Set<SeriesKey> changedSeries = new TreeSet<>();

    EvidenceStore(int capacity) {
        if (capacity < 2) {
            throw new IllegalArgumentException("history must keep at least 2 windows: " + capacity);
        }
        this.capacity = capacity;
    }

    void addWindow(Dimension dimension, String key, MetricsSnapshot snapshot) {
        SeriesKey k = new SeriesKey(dimension, key);
        insert(series.computeIfAbsent(k, x -> new ArrayDeque<>()), StateCodec.trim(snapshot),
                MetricsSnapshot::windowStartMs);
        changedSeries.add(k);
    }

    void addCacheDetail(CacheMissDetail detail) {
        insert(cacheDetails.computeIfAbsent(detail.seriesKey(), k -> new ArrayDeque<>()), detail,
                CacheMissDetail::windowStartMs);
    }

    /** Keeps the deque sorted by window start; a repeated window replaces the earlier one (a late re-emission). */
    private <T> void insert(Deque<T> deque, T item, java.util.function.ToLongFunction<T> start) {
        List<T> items = new ArrayList<>(deque);
        items.removeIf(existing -> start.applyAsLong(existing) == start.applyAsLong(item));
        items.add(item);
        items.sort(java.util.Comparator.comparingLong(start));
        while (items.size() > capacity) {
            items.remove(0);
        }
        deque.clear();
        deque.addAll(items);
    }

    void putBudget(TenantBudget budget) {
        budgets.put(budget.tenant(), budget);
    }

    void onSignal(AnomalySignal s) {
        String id = s.dimension() + "|" + s.key() + "|" + s.metric();
        AnomalyState previous = anomalies.get(id);
        if (s.anomalous()) {
            boolean continuing = previous != null && previous.flagged();
            long episodeStart = continuing ? Math.min(previous.episodeStartMs(), s.windowStartMs()) : s.windowStartMs();
            long lastStart = previous == null ? s.windowStartMs() : Math.max(previous.lastAnomalyStartMs(),
                    s.windowStartMs());
            long lastEnd = previous == null ? s.windowEndMs() : Math.max(previous.lastAnomalyEndMs(), s.windowEndMs());
            anomalies.put(id, new AnomalyState(s.dimension(), s.key(), s.metric(), true, episodeStart, lastStart,
                    lastEnd, s.observed(), s.expected(), s.score()));
        } else if (previous != null) {
            anomalies.put(id, new AnomalyState(previous.dimension(), previous.key(), previous.metric(), false,
                    previous.episodeStartMs(), previous.lastAnomalyStartMs(), previous.lastAnomalyEndMs(),
                    previous.observed(), previous.expected(), previous.score()));
        }
    }

    List<MetricsSnapshot> windows(Dimension dimension, String key) {
        Deque<MetricsSnapshot> d = series.get(new SeriesKey(dimension, key));
        return d == null ? List.of() : List.copyOf(d);
    }

    /** Keys of a dimension that have windows, sorted. */
    Set<String> keys(Dimension dimension) {
        Set<String> keys = new TreeSet<>();
        for (SeriesKey k : series.keySet()) {
            if (k.dimension() == dimension) {
                keys.add(k.key());
            }
        }
        return keys;
    }

    List<CacheMissDetail> cacheDetails(String tierNamespace) {
        Deque<CacheMissDetail> d = cacheDetails.get(tierNamespace);
        return d == null ? List.of() : List.copyOf(d);
    }

    TenantBudget budget(String tenant) {
        return budgets.get(tenant);
    }

    List<AnomalyState> anomalies() {
        return List.copyOf(anomalies.values());
    }

    /** Drops series, details and anomaly states not refreshed within {@code idleMs} of {@code nowMs}. */
    void evictIdle(long nowMs, long idleMs) {
        series.entrySet().removeIf(e -> {
            Deque<MetricsSnapshot> d = e.getValue();
            boolean idle = d.isEmpty() || nowMs - d.peekLast().windowEndMs() > idleMs;
            if (idle) {
                changedSeries.add(e.getKey());
            }
            return idle;
        });
        cacheDetails.values().removeIf(d -> d.isEmpty() || nowMs - d.peekLast().windowEndMs() > idleMs);
        anomalies.values().removeIf(a -> nowMs - a.lastAnomalyEndMs() > idleMs);
    }

    void write(DataOutput out) throws IOException {
        out.writeInt(capacity);
        out.writeInt(series.size());
        for (Map.Entry<SeriesKey, Deque<MetricsSnapshot>> e : series.entrySet()) {
            StateCodec.writeEnum(out, e.getKey().dimension());
            out.writeUTF(e.getKey().key());
            StateCodec.writeSnapshots(out, e.getValue());
        }
        writeCore(out);
    }

    /** Series changed since the last call, each with its windows now, or null when it was evicted. */
    private Map<SeriesKey, List<MetricsSnapshot>> drainChangedSeries() {
        Map<SeriesKey, List<MetricsSnapshot>> out = new TreeMap<>();
        for (SeriesKey k : changedSeries) {
            Deque<MetricsSnapshot> d = series.get(k);
            out.put(k, d == null ? null : List.copyOf(d));
        }
        changedSeries.clear();
        return out;
    }

    /** A series' windows as stored: oldest first, at most {@code capacity} (the current config's) kept. */
    private static Deque<MetricsSnapshot> readWindows(DataInput in, int capacity) throws IOException {
        Deque<MetricsSnapshot> d = new ArrayDeque<>(StateCodec.readSnapshots(in));
        while (d.size() > capacity) {
            d.removeFirst();
        }
        return d;
    }

    /**
     * The series changed since the last call as store parts: key {@link #partKey}, value the encoded windows, or
     * null when the series was evicted (a deletion).
     */
    Map<String, byte[]> drainSeriesParts() {
        Map<String, byte[]> parts = new TreeMap<>();
        drainChangedSeries().forEach((k, windows) -> {
            if (windows == null) {
                encodedWindows.remove(k);
                parts.put(partKey(k.dimension(), k.key()), null);
                return;
            }
            // The bytes of StateCodec.writeSnapshots, from each window's encoding made once: a series changes by
            // one window per minute, and re-encoding all its kept windows each time was most of the insight
            // stage's per-window time (JFR).
            Map<MetricsSnapshot, byte[]> before = encodedWindows.getOrDefault(k, Map.of());
            Map<MetricsSnapshot, byte[]> now = new IdentityHashMap<>(windows.size() * 2);
            for (MetricsSnapshot w : windows) {
                byte[] b = before.get(w);
                now.put(w, b != null ? b : StateCodec.snapshotBytes(w));
            }
            encodedWindows.put(k, now);
            parts.put(partKey(k.dimension(), k.key()), StateCodec.encode(SERIES_FORMAT, out -> {
                out.writeInt(windows.size());
                for (MetricsSnapshot w : windows) {
                    out.write(now.get(w));
                }
            }));
        });
        return parts;
    }

    /** Restores the series of {@link #drainSeriesParts()} (all present, none null); they count as unchanged. */
    void putSeriesParts(Map<String, byte[]> parts) {
        parts.forEach((part, bytes) -> {
            int bar = part.indexOf('|');
            if (bar < 0) {
                throw new IllegalArgumentException("not a series part key: " + part);
            }
            SeriesKey key = new SeriesKey(Dimension.valueOf(part.substring(0, bar)), part.substring(bar + 1));
            Deque<MetricsSnapshot> windows = StateCodec.decode(bytes, SERIES_FORMAT, "evidence series " + part,
                    in -> readWindows(in, capacity));
            if (!windows.isEmpty()) {
                series.put(key, windows);
            }
        });
        changedSeries.clear();
    }

    /** Key of a series part: {@code DIMENSION|key}. */
    static String partKey(Dimension dimension, String key) {
        return dimension.name() + "|" + key;
    }

    /** Everything but the per-series windows: cache details, budgets, anomaly states. */
    void writeCore(DataOutput out) throws IOException {
        out.writeInt(cacheDetails.size());
        for (Deque<CacheMissDetail> d : cacheDetails.values()) {
            out.writeInt(d.size());
            for (CacheMissDetail c : d) {
                out.writeUTF(c.tier());
                out.writeUTF(c.namespace());
                out.writeLong(c.windowStartMs());
                out.writeLong(c.windowEndMs());
                StateCodec.writeLong(out, c.ttlMs());
                StateCodec.writeDouble(out, c.expiredEntryAgeP90Ms());
                StateCodec.writeDouble(out, c.semanticThreshold());
                out.writeInt(c.topMissedKeys().size());
                for (KeyCount k : c.topMissedKeys()) {
                    out.writeUTF(k.keyHash());
                    out.writeLong(k.count());
                }
            }
        }
        out.writeInt(budgets.size());
        for (TenantBudget b : budgets.values()) {
            out.writeUTF(b.tenant());
            out.writeDouble(b.limitUsd());
            StateCodec.writeEnum(out, b.period());
            out.writeLong(b.periodStartMs());
        }
        out.writeInt(anomalies.size());
        for (AnomalyState a : anomalies.values()) {
            StateCodec.writeEnum(out, a.dimension());
            out.writeUTF(a.key());
            out.writeUTF(a.metric());
            out.writeBoolean(a.flagged());
            out.writeLong(a.episodeStartMs());
            out.writeLong(a.lastAnomalyStartMs());
            out.writeLong(a.lastAnomalyEndMs());
            out.writeDouble(a.observed());
            out.writeDouble(a.expected());
            out.writeDouble(a.score());
        }
    }

    /** Reads a stored state; {@code capacity} (the current config's) replaces the stored one. */
    static EvidenceStore read(DataInput in, int capacity) throws IOException {
        in.readInt(); // capacity at write time
        EvidenceStore store = new EvidenceStore(capacity);
        int n = StateCodec.readSize(in);
        for (int i = 0; i < n; i++) {
            SeriesKey key = new SeriesKey(StateCodec.readEnum(in, Dimension.class), in.readUTF());
            store.series.put(key, readWindows(in, capacity));
            store.changedSeries.add(key); // new to a store of parts (see ProposalEngine#drainChanges)
        }
        store.readCore(in);
        return store;
    }

    /** Reads what {@link #writeCore} wrote into this (empty-cored) store. */
    void readCore(DataInput in) throws IOException {
        int n = StateCodec.readSize(in);
        for (int i = 0; i < n; i++) {
            int m = StateCodec.readSize(in);
            Deque<CacheMissDetail> d = new ArrayDeque<>(m);
            for (int j = 0; j < m; j++) {
                String tier = in.readUTF();
                String namespace = in.readUTF();
                long start = in.readLong();
                long end = in.readLong();
                Long ttl = StateCodec.readLong(in);
                Double age = StateCodec.readDouble(in);
                Double threshold = StateCodec.readDouble(in);
                int k = StateCodec.readSize(in);
                List<KeyCount> keys = new ArrayList<>(k);
                for (int x = 0; x < k; x++) {
                    keys.add(new KeyCount(in.readUTF(), in.readLong()));
                }
                d.add(new CacheMissDetail(tier, namespace, start, end, ttl, age, threshold, keys));
            }
            if (!d.isEmpty()) {
                cacheDetails.put(d.peekFirst().seriesKey(), d);
            }
        }
        n = StateCodec.readSize(in);
        for (int i = 0; i < n; i++) {
            putBudget(new TenantBudget(in.readUTF(), in.readDouble(),
                    StateCodec.readEnum(in, TenantBudget.Period.class), in.readLong()));
        }
        n = StateCodec.readSize(in);
        for (int i = 0; i < n; i++) {
            AnomalyState a = new AnomalyState(StateCodec.readEnum(in, Dimension.class), in.readUTF(), in.readUTF(),
                    in.readBoolean(), in.readLong(), in.readLong(), in.readLong(), in.readDouble(), in.readDouble(),
                    in.readDouble());
            anomalies.put(a.dimension() + "|" + a.key() + "|" + a.metric(), a);
        }
    }
}
