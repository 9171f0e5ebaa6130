package io.beastmode.topology.query;

import io.beastmode.processors.metrics.WindowAggregate;
import io.beastmode.topology.MetricsTopology;
import io.beastmode.topology.PipelineMetrics;
import io.beastmode.topology.config.PipelineConfig;
import io.beastmode.topology.model.MetricsMapper;
import io.beastmode.topology.window.WindowCloseProcessor;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.query.WindowKeyQuery;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.state.WindowStoreIterator;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Interactive queries (IQv2) over the window stores: the windows of one dimension key whose start lies in a range,
 * or the host that owns the key when another instance does. Tables: the tumbling windows (closed ones from their
 * store, open ones as of the last commit from the store of open windows), and the hopping windows, merged from the
 * tumbling windows each covers (sketches merge exactly, as the close does).
 */
public final class MetricsQueryService {

    /** The answer: either local windows, or the instance that owns the key. */
    public record Answer(List<Map<String, Object>> windows, HostInfo owner, String error) {
        static Answer local(List<Map<String, Object>> windows) {
            return new Answer(windows, null, null);
        }

        static Answer remote(HostInfo owner) {
            return new Answer(null, owner, null);
        }

        static Answer failed(String error) {
            return new Answer(null, null, error);
        }
    }

    private final KafkaStreams streams;
    private final PipelineConfig config;
    private final PipelineMetrics metrics;
    private final HostInfo self;

    public MetricsQueryService(KafkaStreams streams, PipelineConfig config, PipelineMetrics metrics) {
        this.streams = streams;
        this.config = config;
        this.metrics = metrics;
        this.self = config.applicationServer() == null ? null : HostInfo.buildFromEndpoint(config.applicationServer());
    }

    /**
     * Table name for a window name: tumbling, hopping, or the configured size such as 1m, 5m, 60s. The tumbling
     * table is its store ({@link MetricsTopology#STORE_TUMBLING}); the hopping one is {@link MetricsTopology#HOPPING_TABLE}.
     */
    public String storeFor(String window) {
        if (window.equalsIgnoreCase("tumbling") || matches(window, config.tumblingWindow())) {
            return MetricsTopology.STORE_TUMBLING;
        }
        if (window.equalsIgnoreCase("hopping") || matches(window, config.hoppingWindow())) {
            return MetricsTopology.HOPPING_TABLE;
        }
        return null;
    }

    public long windowSizeMs(String table) {
        return (MetricsTopology.STORE_TUMBLING.equals(table) ? config.tumblingWindow() : config.hoppingWindow())
                .toMillis();
    }

    private static boolean matches(String window, Duration size) {
        try {
            return PipelineConfig.parseDuration(window).equals(size);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Windows of {@code storeKey} with start in [fromMs, toMs], oldest first, or the owner to forward to. */
    public Answer windows(String table, String storeKey, long fromMs, long toMs) {
        boolean hopping = MetricsTopology.HOPPING_TABLE.equals(table);
        if (!hopping && !MetricsTopology.STORE_TUMBLING.equals(table)) {
            return Answer.failed("unknown table " + table);
        }
        String store = MetricsTopology.STORE_TUMBLING;
        long tumblingMs = config.tumblingWindow().toMillis();
        long hoppingMs = config.hoppingWindow().toMillis();
        // A hopping window starting at toMs covers tumbling windows up to toMs + hopping - tumbling.
        long storeToMs = hopping ? saturatedAdd(toMs, hoppingMs - tumblingMs) : toMs;
        Set<Integer> partitions = null; // all local partitions: a single instance (no application.server) owns all
        if (self != null) {
            KeyQueryMetadata md = streams.queryMetadataForKey(store, storeKey, Serdes.String().serializer());
            if (md == null || md.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
                return Answer.failed("metadata for " + store + " not available yet (state " + streams.state() + ")");
            }
            if (!md.activeHost().equals(self) && !HostInfo.unavailable().equals(md.activeHost())) {
                return Answer.remote(md.activeHost());
            }
            partitions = Set.of(md.partition());
        }
        // Depending on the store type (the emit-on-close store is timestamped) values come back plain or wrapped
        // in ValueAndTimestamp, so they are read as Object and unwrapped.
        WindowKeyQuery<String, Object> query = WindowKeyQuery.withKeyAndWindowStartRange(storeKey,
                Instant.ofEpochMilli(fromMs), Instant.ofEpochMilli(storeToMs));
        StateQueryRequest<WindowStoreIterator<Object>> request = StateQueryRequest.inStore(store)
                .withQuery(query);
        request = partitions == null ? request.withAllPartitions() : request.withPartitions(partitions);
        StateQueryResult<WindowStoreIterator<Object>> result = streams.query(request);
        if (result.getPartitionResults().isEmpty()) {
            return Answer.failed("no partition of " + store + " is hosted here (state " + streams.state() + ")");
        }
        // Each window is judged against the close point of the task (partition) it came from. Not the smallest over
        // all local tasks: another task's close point may lag (an idle advance that emitted nothing and was not yet
        // committed when the process died), which would mark this key's emitted windows open after a restart.
        Map<Integer, List<OpenWindow>> open;
        try {
            open = openWindows(streams, result.getPartitionResults().keySet(), storeKey, fromMs, storeToMs);
        } catch (IllegalStateException e) {
            return Answer.failed(e.getMessage());
        }
        List<Found> found = new ArrayList<>();
        for (Map.Entry<Integer, QueryResult<WindowStoreIterator<Object>>> e : result.getPartitionResults().entrySet()) {
            QueryResult<WindowStoreIterator<Object>> partition = e.getValue();
            if (partition.isFailure()) {
                return Answer.failed(partition.getFailureReason() + ": " + partition.getFailureMessage());
            }
            Long closedThrough = metrics.closedThrough(e.getKey());
            // By start: an open window's aggregate wins over a copy in the tumbling store (written by versions that
            // copied open windows there).
            Map<Long, Found> byStart = new HashMap<>();
            try (WindowStoreIterator<Object> it = partition.getResult()) {
                it.forEachRemaining(kv -> byStart.put(kv.key, new Found(kv.key, unwrap(kv.value), closedThrough)));
            }
            for (OpenWindow w : open.getOrDefault(e.getKey(), List.of())) {
                byStart.put(w.start(), new Found(w.start(), w.aggregate(), closedThrough));
            }
            found.addAll(byStart.values());
        }
        found.sort(java.util.Comparator.comparingLong(Found::start));
        List<Found> answered = hopping ? hoppingWindows(found, fromMs, toMs, hoppingMs,
                config.hoppingAdvance().toMillis(), config.qualityTolerance()) : found;
        long size = hopping ? hoppingMs : tumblingMs;
        // "closed" means emitted final: judged against the window task's persisted close point, so the answer is the
        // same after a restart or a state rebuild (this process's largest event time was not: it starts empty).
        List<Map<String, Object>> windows = new ArrayList<>();
        for (Found f : answered) {
            boolean closed = f.closedThrough() != null && f.start() + size <= f.closedThrough();
            windows.add(MetricsMapper.toJson(storeKey, f.aggregate().snapshot(f.start(), f.start() + size), closed));
        }
        return Answer.local(windows);
    }

    /** An open tumbling window: its dimension key, start and aggregate as of the last commit. */
    public record OpenWindow(String storeKey, long start, WindowAggregate aggregate) {
    }

    /**
     * The open tumbling windows with start in [fromMs, toMs] in the store of open windows (written before each commit),
     * by partition: of {@code storeKey} only, or of every key when it is null; of the given partitions, or all local
     * ones when null. Its keys are the window start, then the dimension key, so a start range is one key range.
     *
     * @throws IllegalStateException when a partition cannot be queried (e.g. during a rebalance)
     */
    public static Map<Integer, List<OpenWindow>> openWindows(KafkaStreams streams, Set<Integer> partitions,
                                                             String storeKey, long fromMs, long toMs) {
        Bytes lower = WindowCloseProcessor.openKey(fromMs, "");
        // Inclusive upper bound: the next start with an empty dimension key, which no window has.
        RangeQuery<Bytes, Object> range = toMs == Long.MAX_VALUE ? RangeQuery.withLowerBound(lower)
                : RangeQuery.withRange(lower, WindowCloseProcessor.openKey(toMs + 1, ""));
        StateQueryRequest<KeyValueIterator<Bytes, Object>> request =
                StateQueryRequest.inStore(MetricsTopology.STORE_OPEN_WINDOWS).withQuery(range);
        request = partitions == null ? request.withAllPartitions() : request.withPartitions(partitions);
        Map<Integer, List<OpenWindow>> out = new HashMap<>();
        for (Map.Entry<Integer, QueryResult<KeyValueIterator<Bytes, Object>>> e
                : streams.query(request).getPartitionResults().entrySet()) {
            QueryResult<KeyValueIterator<Bytes, Object>> partition = e.getValue();
            if (partition.isFailure()) {
                throw new IllegalStateException(partition.getFailureReason() + ": " + partition.getFailureMessage());
            }
            List<OpenWindow> windows = out.computeIfAbsent(e.getKey(), p -> new ArrayList<>());
            try (KeyValueIterator<Bytes, Object> it = partition.getResult()) {
                it.forEachRemaining(kv -> {
                    byte[] key = kv.key.get();
                    long start = WindowCloseProcessor.windowStart(key);
                    String dimensionKey = WindowCloseProcessor.dimensionKey(key);
                    if (start >= fromMs && start <= toMs && kv.value != null
                            && (storeKey == null || storeKey.equals(dimensionKey))) {
                        windows.add(new OpenWindow(dimensionKey, start, unwrap(kv.value)));
                    }
                });
            }
        }
        return out;
    }

    /** A window found, and the close point of the task it came from (null: not known yet). */
    record Found(long start, WindowAggregate aggregate, Long closedThrough) {
    }

    /**
     * The hopping windows with start in [fromMs, toMs] (starts aligned on the advance) that cover at least one of
     * the tumbling windows given (one per start), each the merge of those it covers; oldest first. A hopping window
     * counts as closed through the smallest close point of its tumbling windows' tasks (one task owns a key).
     */
    static List<Found> hoppingWindows(List<Found> tumbling, long fromMs, long toMs, long hoppingMs, long advanceMs,
                                      double qualityTolerance) {
        TreeMap<Long, Found> byStart = new TreeMap<>();
        tumbling.forEach(t -> byStart.put(t.start(), t));
        List<Found> out = new ArrayList<>();
        long first = fromMs + Math.floorMod(-fromMs, advanceMs);
        for (long start = first; start <= toMs && start >= first; start += advanceMs) {
            Collection<Found> covered = byStart.subMap(start, true, start + hoppingMs, false).values();
            if (covered.isEmpty()) {
                continue;
            }
            WindowAggregate merged = new WindowAggregate(qualityTolerance);
            long closedThrough = Long.MAX_VALUE;
            boolean known = true;
            for (Found t : covered) {
                merged.merge(t.aggregate());
                if (t.closedThrough() == null) {
                    known = false;
                } else {
                    closedThrough = Math.min(closedThrough, t.closedThrough());
                }
            }
            out.add(new Found(start, merged, known ? Long.valueOf(closedThrough) : null));
        }
        return out;
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    private static WindowAggregate unwrap(Object value) {
        return (WindowAggregate) (value instanceof ValueAndTimestamp<?> vt ? vt.value() : value);
    }
}
