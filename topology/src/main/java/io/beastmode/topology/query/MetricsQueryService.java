package io.beastmode.topology.query;

import io.beastmode.processors.metrics.WindowAggregate;
import io.beastmode.topology.MetricsTopology;
import io.beastmode.topology.PipelineMetrics;
import io.beastmode.topology.config.PipelineConfig;
import io.beastmode.topology.model.MetricsMapper;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.query.WindowKeyQuery;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.state.WindowStoreIterator;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Interactive queries (IQv2) over the window stores: the windows of one dimension key whose start lies in a range,
 * or the host that owns the key when another instance does.
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

    /** Store name for a window name: tumbling, hopping, or the configured size such as 1m, 5m, 60s. */
    public String storeFor(String window) {
        if (window.equalsIgnoreCase("tumbling") || matches(window, config.tumblingWindow())) {
            return MetricsTopology.STORE_TUMBLING;
        }
        if (window.equalsIgnoreCase("hopping") || matches(window, config.hoppingWindow())) {
            return MetricsTopology.STORE_HOPPING;
        }
        return null;
    }

    public long windowSizeMs(String store) {
        return (MetricsTopology.STORE_TUMBLING.equals(store) ? config.tumblingWindow() : config.hoppingWindow())
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
    public Answer windows(String store, String storeKey, long fromMs, long toMs) {
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
                Instant.ofEpochMilli(fromMs), Instant.ofEpochMilli(toMs));
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
        record Found(long start, WindowAggregate aggregate, Long closedThrough) { }
        List<Found> found = new ArrayList<>();
        for (Map.Entry<Integer, QueryResult<WindowStoreIterator<Object>>> e : result.getPartitionResults().entrySet()) {
            QueryResult<WindowStoreIterator<Object>> partition = e.getValue();
            if (partition.isFailure()) {
                return Answer.failed(partition.getFailureReason() + ": " + partition.getFailureMessage());
            }
            Long closedThrough = metrics.closedThrough(e.getKey());
            try (WindowStoreIterator<Object> it = partition.getResult()) {
                it.forEachRemaining(kv -> found.add(new Found(kv.key, unwrap(kv.value), closedThrough)));
            }
        }
        found.sort(java.util.Comparator.comparingLong(Found::start));
        long size = windowSizeMs(store);
        // "closed" means emitted final: judged against the window task's persisted close point, so the answer is the
        // same after a restart or a state rebuild (this process's largest event time was not: it starts empty).
        List<Map<String, Object>> windows = new ArrayList<>();
        for (Found f : found) {
            boolean closed = f.closedThrough() != null && f.start() + size <= f.closedThrough();
            windows.add(MetricsMapper.toJson(storeKey, f.aggregate().snapshot(f.start(), f.start() + size), closed));
        }
        return Answer.local(windows);
    }

    private static WindowAggregate unwrap(Object value) {
        return (WindowAggregate) (value instanceof ValueAndTimestamp<?> vt ? vt.value() : value);
    }
}
