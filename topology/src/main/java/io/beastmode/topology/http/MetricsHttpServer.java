package io.beastmode.topology.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.beastmode.analytics.v1.Dimension;
import io.beastmode.topology.PipelineMetrics;
import io.beastmode.topology.model.DimensionKeys;
import io.beastmode.topology.query.MetricsQueryService;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Small JSON API over the pipeline (JDK HTTP server, loopback by default):
 * <ul>
 *   <li>{@code GET /api/health}: Kafka Streams state; 200 when RUNNING or REBALANCING, else 503.</li>
 *   <li>{@code GET /api/dlq}: dead letters per reason, their total and late records of this instance.</li>
 *   <li>{@code GET /api/pipeline}: every counter of {@link PipelineMetrics}.</li>
 *   <li>{@code GET /api/metrics/{window}/{dimension}/{key}?from=<ms>&to=<ms>}: windows of one series, window being
 *       {@code tumbling}, {@code hopping} or the configured size ({@code 1m}, {@code 5m}); dimension e.g.
 *       {@code ALL} (key {@code *}), {@code MODEL}, {@code REQUEST_TYPE_MODEL} (key {@code code|gpt-4}, URL-encoded);
 *       {@code from}/{@code to} bound the window start and default to the last hour. A key owned by another instance
 *       is fetched from it (once: a forwarded request is never forwarded again).</li>
 *   <li>{@code GET /metrics}: Prometheus text format ({@link PrometheusHandler}).</li>
 *   <li>{@code GET /api/anomalies}, {@code GET /api/proposals}: the insight application's output
 *       ({@link #serveInsights}).</li>
 *   <li>{@code GET /dashboard/}: the live dashboard and its data, {@code /api/dashboard} ({@link DashboardHandler}).</li>
 * </ul>
 */
public final class MetricsHttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MetricsHttpServer.class);
    static final String FORWARDED_HEADER = "X-Beast-Forwarded";
    private static final long DEFAULT_RANGE_MS = 3_600_000L;

    private final HttpServer server;
    private final ExecutorService executor;
    private final ObjectMapper json = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Supplier<KafkaStreams> streams;
    private final Supplier<MetricsQueryService> queries;
    private final PipelineMetrics metrics;
    private final LongSupplier clock;
    private final PrometheusHandler prometheus;

    public MetricsHttpServer(String host, int port, Supplier<KafkaStreams> streams,
                             Supplier<MetricsQueryService> queries, PipelineMetrics metrics, LongSupplier clock)
            throws IOException {
        this.streams = streams;
        this.queries = queries;
        this.metrics = metrics;
        this.clock = clock;
        server = HttpServer.create(new InetSocketAddress(host, port), 0);
        executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "beast-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/api/health", ex -> handle(ex, this::health));
        server.createContext("/api/dlq", ex -> handle(ex, this::dlq));
        server.createContext("/api/pipeline", ex -> handle(ex, e -> new Response(200, metrics.toMap())));
        server.createContext("/api/metrics/", ex -> handle(ex, this::windows));
        server.createContext("/metrics", prometheus = new PrometheusHandler(streams, metrics));
        server.createContext("/", new DashboardHandler(streams, queries, metrics)); // also every unmatched path
        server.start();
    }

    /**
     * Serves the insight application's anomalies and proposals at {@code /api/anomalies} and {@code /api/proposals}
     * (the dashboard's markers and proposal list) and adds its counters to {@code /metrics}.
     */
    public void serveInsights(InsightView view) {
        server.createContext("/api/anomalies", ex -> handle(ex, e -> new Response(200, view.anomaliesJson())));
        server.createContext("/api/proposals", ex -> handle(ex, e -> new Response(200, view.proposalsJson())));
        prometheus.register(view::collect);
    }

    /** For parts of the pipeline that add Prometheus samples ({@link PrometheusHandler#register}). */
    public PrometheusHandler prometheus() {
        return prometheus;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private record Response(int status, Object body) {
    }

    private interface Handler {
        Response apply(HttpExchange exchange) throws Exception;
    }

    private void handle(HttpExchange exchange, Handler handler) throws IOException {
        try (exchange) {
            Response r;
            if (!"GET".equals(exchange.getRequestMethod())) {
                r = new Response(405, Map.of("error", "only GET"));
            } else {
                try {
                    r = handler.apply(exchange);
                } catch (IllegalArgumentException e) {
                    r = new Response(400, Map.of("error", String.valueOf(e.getMessage())));
                } catch (Exception e) {
                    LOG.warn("HTTP {} failed", exchange.getRequestURI(), e);
                    r = new Response(500, Map.of("error", e.toString()));
                }
            }
            byte[] body = r.body instanceof byte[] b ? b : json.writeValueAsBytes(r.body);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(r.status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private Response health(HttpExchange ex) {
        KafkaStreams s = streams.get();
        String state = s == null ? "NOT_STARTED" : s.state().name();
        boolean up = s != null && (s.state() == KafkaStreams.State.RUNNING
                || s.state() == KafkaStreams.State.REBALANCING);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("state", state);
        body.put("up", up);
        return new Response(up ? 200 : 503, body);
    }

    private Response dlq(HttpExchange ex) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("deadLetters", metrics.deadLetters());
        body.put("total", metrics.totalDeadLetters());
        body.put("lateRecords", metrics.lateRecords());
        return new Response(200, body);
    }

    private Response windows(HttpExchange ex) throws Exception {
        String raw = ex.getRequestURI().getRawPath().substring("/api/metrics/".length());
        String[] parts = raw.split("/", 3);
        if (parts.length < 2) {
            throw new IllegalArgumentException("expected /api/metrics/{window}/{dimension}/{key}");
        }
        MetricsQueryService q = queries.get();
        if (q == null) {
            return new Response(503, Map.of("error", "pipeline not started"));
        }
        String store = q.storeFor(decode(parts[0]));
        if (store == null) {
            throw new IllegalArgumentException("unknown window '" + decode(parts[0]) + "'");
        }
        Dimension dimension;
        try {
            dimension = Dimension.valueOf(decode(parts[1]).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown dimension '" + decode(parts[1]) + "'");
        }
        String key = parts.length > 2 && !parts[2].isEmpty() ? decode(parts[2])
                : dimension == Dimension.ALL ? DimensionKeys.ALL_KEY : null;
        if (key == null) {
            throw new IllegalArgumentException("missing key for dimension " + dimension);
        }
        Map<String, String> params = query(ex.getRequestURI().getRawQuery());
        long now = clock.getAsLong();
        long to = params.containsKey("to") ? Long.parseLong(params.get("to")) : now;
        long from = params.containsKey("from") ? Long.parseLong(params.get("from")) : to - DEFAULT_RANGE_MS;
        String storeKey = DimensionKeys.key(dimension, key);
        MetricsQueryService.Answer answer = q.windows(store, storeKey, from, to);
        if (answer.error() != null) {
            return new Response(503, Map.of("error", answer.error()));
        }
        if (answer.owner() != null) {
            if (ex.getRequestHeaders().getFirst(FORWARDED_HEADER) != null) {
                return new Response(503, Map.of("error", "key moved during forwarding; retry"));
            }
            return forward(answer.owner(), ex.getRequestURI());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("store", store);
        body.put("dimension", dimension.name());
        body.put("key", key);
        body.put("from", from);
        body.put("to", to);
        body.put("windows", answer.windows());
        return new Response(200, body);
    }

    private Response forward(HostInfo owner, URI uri) throws Exception {
        URI target = URI.create("http://" + owner.host() + ":" + owner.port() + uri.getRawPath()
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
        HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(10))
                .header(FORWARDED_HEADER, "1").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Response(r.statusCode(), r.body());
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> m = new LinkedHashMap<>();
        if (raw == null) {
            return m;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                m.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
            }
        }
        return m;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
