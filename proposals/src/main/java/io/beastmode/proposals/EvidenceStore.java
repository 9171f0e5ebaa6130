package io.beastmode.proposals;

import io.beastmode.processors.metrics.MetricsSnapshot;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
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

    private final int capacity;
    private final TreeMap<SeriesKey, Deque<MetricsSnapshot>> series = new TreeMap<>();
    private final TreeMap<String, Deque<CacheMissDetail>> cacheDetails = new TreeMap<>();
    private final TreeMap<String, TenantBudget> budgets = new TreeMap<>();
    private final TreeMap<String, AnomalyState> anomalies = new TreeMap<>();

    EvidenceStore(int capacity) {
        if (capacity < 2) {
            throw new IllegalArgumentException("history must keep at least 2 windows: " + capacity);
        }
        this.capacity = capacity;
    }

    void addWindow(Dimension dimension, String key, MetricsSnapshot snapshot) {
        insert(series.computeIfAbsent(new SeriesKey(dimension, key), k -> new ArrayDeque<>()),
                StateCodec.trim(snapshot), MetricsSnapshot::windowStartMs);
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
        series.values().removeIf(d -> d.isEmpty() || nowMs - d.peekLast().windowEndMs() > idleMs);
        cacheDetails.values().removeIf(d -> d.isEmpty() || nowMs - d.peekLast().windowEndMs() > idleMs);
        anomalies.values().removeIf(a -> nowMs - a.lastAnomalyEndMs() > idleMs);
    }

    void write(DataOutput out) throws IOException {
        out.writeInt(capacity);
        out.writeInt(series.size());
        for (Map.Entry<SeriesKey, Deque<MetricsSnapshot>> e : series.entrySet()) {
            StateCodec.writeEnum(out, e.getKey().dimension());
            out.writeUTF(e.getKey().key());
            out.writeInt(e.getValue().size());
            for (MetricsSnapshot s : e.getValue()) {
                StateCodec.writeSnapshot(out, s);
            }
        }
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
            int m = StateCodec.readSize(in);
            Deque<MetricsSnapshot> d = new ArrayDeque<>(m);
            for (int j = 0; j < m; j++) {
                d.add(StateCodec.readSnapshot(in));
            }
            while (d.size() > capacity) {
                d.removeFirst();
            }
            store.series.put(key, d);
        }
        n = StateCodec.readSize(in);
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
                store.cacheDetails.put(d.peekFirst().seriesKey(), d);
            }
        }
        n = StateCodec.readSize(in);
        for (int i = 0; i < n; i++) {
            store.putBudget(new TenantBudget(in.readUTF(), in.readDouble(),
                    StateCodec.readEnum(in, TenantBudget.Period.class), in.readLong()));
        }
        n = StateCodec.readSize(in);
        for (int i = 0; i < n; i++) {
            AnomalyState a = new AnomalyState(StateCodec.readEnum(in, Dimension.class), in.readUTF(), in.readUTF(),
                    in.readBoolean(), in.readLong(), in.readLong(), in.readLong(), in.readDouble(), in.readDouble(),
                    in.readDouble());
            store.anomalies.put(a.dimension() + "|" + a.key() + "|" + a.metric(), a);
        }
        return store;
    }
}
