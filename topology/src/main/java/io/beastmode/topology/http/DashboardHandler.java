package io.beastmode.topology.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.beastmode.processors.metrics.WindowAggregate;
import io.beastmode.topology.MetricsTopology;
import io.beastmode.topology.PipelineMetrics;
import io.beastmode.topology.model.MetricsMapper;
import io.beastmode.topology.query.MetricsQueryService;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.query.WindowRangeQuery;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ValueAndTimestamp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The live dashboard: static HTML/JS/CSS from {@code resources/dashboard/} at {@code /dashboard/} ({@code /}
 * redirects there), and {@code GET /api/dashboard?minutes=N}, the windows the plots need in one answer: every local
 * key of the dimensions shown, in the last N minutes of event time (the replayed traces' clock, not the wall's).
 * With several instances each one shows the keys it owns. {@code /api/anomalies} and {@code /api/proposals}
 * answer {@code {"available": false}} here; when the insight application runs, {@link MetricsHttpServer#serveInsights}
 * registers handlers for them that win over this one.
 */
public final class DashboardHandler implements HttpHandler {
    private static final Pattern ASSET = Pattern.compile("[a-z0-9-]+\\.(html|js|css|svg)");
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "svg", "image/svg+xml");
    /** The dimensions the plots use: totals, per model, per request type, per cache tier and namespace. */
    static final Set<String> DIMENSIONS = Set.of("ALL", "MODEL", "REQUEST_TYPE", "CACHE_TIER_NAMESPACE");
    private static final int MAX_MINUTES = 24 * 60;

    private final ObjectMapper json = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    private final Supplier<KafkaStreams> streams;
    private final Supplier<MetricsQueryService> queries;
    private final PipelineMetrics metrics;

    public DashboardHandler(Supplier<KafkaStreams> streams, Supplier<MetricsQueryService> queries,
                            PipelineMetrics metrics) {
        this.streams = streams;
        this.queries = queries;
        this.metrics = metrics;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            if (!"GET".equals(ex.getRequestMethod())) {
                send(ex, 405, "text/plain", "only GET\n".getBytes(StandardCharsets.UTF_8));
            } else if (path.equals("/") || path.equals("/dashboard")) {
                ex.getResponseHeaders().set("Location", "/dashboard/");
                send(ex, 302, "text/plain", new byte[0]);
            } else if (path.startsWith("/dashboard/")) {
                String name = path.substring("/dashboard/".length());
                asset(ex, name.isEmpty() ? "index.html" : name);
            } else if (path.equals("/api/dashboard")) {
                data(ex);
            } else if (path.equals("/api/anomalies") || path.equals("/api/proposals")) {
                // Reached only while no part of the pipeline serves these (a registered context would win): the
                // page shows its empty state instead of logging a 404.
                send(ex, 200, "application/json", json.writeValueAsBytes(Map.of("available", false,
                        "items", List.of())));
            } else {
                send(ex, 404, "application/json", json.writeValueAsBytes(Map.of("error", "not found: " + path)));
            }
        }
    }

    private void asset(HttpExchange ex, String name) throws IOException {
        if (!ASSET.matcher(name).matches()) { // no traversal: only flat names of known types
            send(ex, 404, "text/plain", "not found\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        try (InputStream in = DashboardHandler.class.getResourceAsStream("/dashboard/" + name)) {
            if (in == null) {
                send(ex, 404, "text/plain", "not found\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            ex.getResponseHeaders().set("Cache-Control", "no-cache");
            send(ex, 200, TYPES.get(name.substring(name.lastIndexOf('.') + 1)), in.readAllBytes());
        }
    }

    private void data(HttpExchange ex) throws IOException {
        int minutes = 60;
        String q = ex.getRequestURI().getQuery();
        if (q != null && q.startsWith("minutes=")) {
            try {
                minutes = Math.max(1, Math.min(MAX_MINUTES, Integer.parseInt(q.substring("minutes=".length()))));
            } catch (NumberFormatException e) {
                send(ex, 400, "application/json", json.writeValueAsBytes(Map.of("error", "minutes must be a number")));
                return;
            }
        }
        KafkaStreams s = streams.get();
        MetricsQueryService qs = queries.get();
        Long now = metrics.maxEventTimeMs();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("state", s == null ? "NOT_STARTED" : s.state().name());
        body.put("eventTimeMs", now);
        body.put("pipeline", metrics.toMap());
        List<Map<String, Object>> windows = new ArrayList<>();
        String error = null;
        if (s != null && qs != null && now != null) {
            try {
                windows = windows(s, qs, now - minutes * 60_000L, now);
            } catch (RuntimeException e) {
                error = e.getMessage(); // e.g. stores not queryable during a rebalance: the page keeps its last data
            }
        }
        body.put("windows", windows);
        body.put("error", error);
        send(ex, 200, "application/json", json.writeValueAsBytes(body));
    }

    /**
     * Tumbling windows of the shown dimensions with start in [from, to], all local partitions, oldest first: closed
     * ones from the tumbling store, open ones as of the last commit from the store of open windows.
     */
    static List<Map<String, Object>> windows(KafkaStreams s, MetricsQueryService qs, long from, long to) {
        String store = MetricsTopology.STORE_TUMBLING;
        StateQueryRequest<KeyValueIterator<Windowed<String>, Object>> request = StateQueryRequest.inStore(store)
                .withQuery(WindowRangeQuery.<String, Object>withWindowStartRange(Instant.ofEpochMilli(from),
                        Instant.ofEpochMilli(to)));
        StateQueryResult<KeyValueIterator<Windowed<String>, Object>> result = s.query(request.withAllPartitions());
        // By key and start: an open window's aggregate wins over a copy in the tumbling store (written by versions
        // that copied open windows there).
        Map<KeyValue<String, Long>, WindowAggregate> byWindow = new LinkedHashMap<>();
        for (QueryResult<KeyValueIterator<Windowed<String>, Object>> part : result.getPartitionResults().values()) {
            if (part.isFailure()) {
                throw new IllegalStateException(part.getFailureReason() + ": " + part.getFailureMessage());
            }
            try (KeyValueIterator<Windowed<String>, Object> it = part.getResult()) {
                it.forEachRemaining(kv -> {
                    if (shown(kv.key.key())) {
                        Object v = kv.value instanceof ValueAndTimestamp<?> vt ? vt.value() : kv.value;
                        byWindow.put(KeyValue.pair(kv.key.key(), kv.key.window().start()), (WindowAggregate) v);
                    }
                });
            }
        }
        MetricsQueryService.openWindows(s, null, null, from, to).values().forEach(open -> open.forEach(w -> {
            if (shown(w.storeKey())) {
                byWindow.put(KeyValue.pair(w.storeKey(), w.start()), w.aggregate());
            }
        }));
        List<Map.Entry<KeyValue<String, Long>, WindowAggregate>> found = new ArrayList<>(byWindow.entrySet());
        found.sort(Comparator.comparingLong((Map.Entry<KeyValue<String, Long>, WindowAggregate> e) -> e.getKey().value)
                .thenComparing(e -> e.getKey().key));
        long size = qs.windowSizeMs(store);
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map.Entry<KeyValue<String, Long>, WindowAggregate> e : found) {
            long start = e.getKey().value;
            out.add(MetricsMapper.toJson(e.getKey().key, e.getValue().snapshot(start, start + size), false));
        }
        return out;
    }

    private static boolean shown(String storeKey) {
        return DIMENSIONS.contains(storeKey.substring(0, Math.max(0, storeKey.indexOf('|'))));
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
