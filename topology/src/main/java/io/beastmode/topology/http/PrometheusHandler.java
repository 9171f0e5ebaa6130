package io.beastmode.topology.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.beastmode.topology.PipelineMetrics;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.RuntimeMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;

import static io.beastmode.topology.http.PrometheusText.Type.COUNTER;
import static io.beastmode.topology.http.PrometheusText.Type.GAUGE;

/**
 * {@code GET /metrics} for Prometheus: the Kafka Streams client metrics (Streams, its consumers' fetch lag and its
 * producers), the pipeline's own counters and the JVM's. Other parts of the pipeline (anomalies, proposals and
 * outcomes) add theirs through {@link #register}.
 */
public final class PrometheusHandler implements HttpHandler {

    /** Kafka metric groups worth scraping: Streams' own, plus consumer lag and producer throughput of its clients. */
    static final Set<String> KAFKA_GROUPS = Set.of("stream-metrics", "stream-thread-metrics", "stream-task-metrics",
            "stream-processor-node-metrics", "stream-state-metrics", "stream-record-cache-metrics",
            "consumer-fetch-manager-metrics", "consumer-coordinator-metrics", "producer-metrics");

    private final Supplier<KafkaStreams> streams;
    private final PipelineMetrics metrics;
    private final List<Consumer<PrometheusText>> collectors = new CopyOnWriteArrayList<>();

    public PrometheusHandler(Supplier<KafkaStreams> streams, PipelineMetrics metrics) {
        this.streams = streams;
        this.metrics = metrics;
    }

    /** A hook for more samples (e.g. proposals per kind, outcomes), called on every scrape. */
    public PrometheusHandler register(Consumer<PrometheusText> collector) {
        collectors.add(collector);
        return this;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            int status = 200;
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                status = 405;
                body = "only GET\n".getBytes(StandardCharsets.UTF_8);
            } else {
                body = scrape().getBytes(StandardCharsets.UTF_8);
            }
            exchange.getResponseHeaders().set("Content-Type", PrometheusText.CONTENT_TYPE);
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    public String scrape() {
        PrometheusText text = new PrometheusText();
        pipeline(text, metrics);
        KafkaStreams s = streams.get();
        text.sample("beast_streams_up", GAUGE, "1 when Kafka Streams is RUNNING or REBALANCING",
                s != null && (s.state() == KafkaStreams.State.RUNNING || s.state() == KafkaStreams.State.REBALANCING)
                        ? 1 : 0);
        if (s != null) {
            for (KafkaStreams.State st : KafkaStreams.State.values()) {
                text.sample("beast_streams_state", GAUGE, "Kafka Streams client state (1 for the current one)",
                        Map.of("state", st.name()), s.state() == st ? 1 : 0);
            }
            kafka(text, s.metrics());
        }
        jvm(text);
        for (Consumer<PrometheusText> c : collectors) {
            c.accept(text);
        }
        return text.render();
    }

    static void pipeline(PrometheusText text, PipelineMetrics m) {
        m.eventsIn().forEach((kind, n) -> text.sample("beast_events_in_total", COUNTER,
                "Input records read per event kind, valid or not", Map.of("kind", kind), n));
        m.eventsValid().forEach((kind, n) -> text.sample("beast_events_valid_total", COUNTER,
                "Input records that passed validation per event kind", Map.of("kind", kind), n));
        m.deadLetters().forEach((reason, n) -> text.sample("beast_dead_letters_total", COUNTER,
                "Records sent to the dead-letter topic per reason", Map.of("reason", reason), n));
        m.windowsEmitted().forEach((store, n) -> text.sample("beast_windows_emitted_total", COUNTER,
                "Metric windows emitted to the metrics topic per window store", Map.of("store", store), n));
        text.sample("beast_late_records_total", COUNTER, "Records that arrived after their window closed",
                m.lateRecords());
        text.sample("beast_quality_feedback_ignored_total", COUNTER,
                "QUALITY_FEEDBACK selection events not used by the window aggregates", m.feedbackIgnoredCount());
        Long max = m.maxEventTimeMs();
        if (max != null) {
            text.sample("beast_max_event_time_seconds", GAUGE, "Largest event time seen by this instance",
                    max / 1000.0);
        }
    }

    /**
     * Every numeric metric of the chosen groups as {@code kafka_<group>_<name>} with the metric's tags as labels;
     * {@code *-total} are counters (they end in {@code _total} as Prometheus wants), everything else gauges.
     */
    static void kafka(PrometheusText text, Map<MetricName, ? extends Metric> all) {
        all.forEach((name, metric) -> {
            if (!KAFKA_GROUPS.contains(name.group()) || !(metric.metricValue() instanceof Number n)) {
                return;
            }
            String family = "kafka_" + name.group().replace("-metrics", "") + "_" + name.name();
            boolean counter = name.name().endsWith("-total");
            String help = name.description() == null || name.description().isBlank()
                    ? name.group() + " " + name.name() : name.description();
            text.sample(family, counter ? COUNTER : GAUGE, help, name.tags(), n.doubleValue());
        });
    }

    static void jvm(PrometheusText text) {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        MemoryUsage nonHeap = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage();
        text.sample("jvm_memory_bytes_used", GAUGE, "Used bytes of a JVM memory area", Map.of("area", "heap"),
                heap.getUsed());
        text.sample("jvm_memory_bytes_used", GAUGE, "", Map.of("area", "nonheap"), nonHeap.getUsed());
        text.sample("jvm_memory_bytes_committed", GAUGE, "Committed bytes of a JVM memory area",
                Map.of("area", "heap"), heap.getCommitted());
        text.sample("jvm_memory_bytes_committed", GAUGE, "", Map.of("area", "nonheap"), nonHeap.getCommitted());
        text.sample("jvm_memory_bytes_max", GAUGE, "Max bytes of the heap (-1 when unbounded)",
                Map.of("area", "heap"), heap.getMax());
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            text.sample("jvm_gc_collections_total", COUNTER, "Garbage collections per collector",
                    Map.of("gc", gc.getName()), Math.max(0, gc.getCollectionCount()));
            text.sample("jvm_gc_collection_seconds_total", COUNTER, "Time spent in garbage collection per collector",
                    Map.of("gc", gc.getName()), Math.max(0, gc.getCollectionTime()) / 1000.0);
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        text.sample("jvm_threads_current", GAUGE, "Live threads", threads.getThreadCount());
        text.sample("jvm_threads_daemon", GAUGE, "Live daemon threads", threads.getDaemonThreadCount());
        text.sample("jvm_threads_peak", GAUGE, "Peak live threads", threads.getPeakThreadCount());
        RuntimeMXBean rt = ManagementFactory.getRuntimeMXBean();
        text.sample("process_uptime_seconds", GAUGE, "JVM uptime", rt.getUptime() / 1000.0);
        text.sample("process_start_time_seconds", GAUGE, "JVM start time since the epoch", rt.getStartTime() / 1000.0);
        text.sample("jvm_available_processors", GAUGE, "Processors available to the JVM",
                Runtime.getRuntime().availableProcessors());
    }
}
