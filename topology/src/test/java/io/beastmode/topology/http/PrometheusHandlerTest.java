package io.beastmode.topology.http;

import io.beastmode.topology.PipelineMetrics;
import io.beastmode.topology.model.Observation;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The /metrics text must be valid Prometheus exposition 0.0.4 and carry the pipeline's, Streams' and JVM metrics. */
class PrometheusHandlerTest {

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern SAMPLE = Pattern.compile(
            "^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (NaN|[+-]Inf|-?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\[\\\\\"n])*)\"(,|$)");

    /** A strict reader: every rule the format states that a scraper would reject. Returns family -> type. */
    static Map<String, String> parse(String text, Map<String, Double> values) {
        Map<String, String> types = new LinkedHashMap<>();
        Set<String> series = new HashSet<>();
        Set<String> closed = new HashSet<>();
        String current = null;
        assertThat(text).endsWith("\n");
        for (String line : text.split("\n")) {
            if (line.startsWith("# HELP ")) {
                String name = line.substring(7).split(" ", 2)[0];
                assertThat(name).matches(NAME);
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String[] p = line.substring(7).split(" ");
                assertThat(p).hasSize(2);
                assertThat(p[0]).matches(NAME);
                assertThat(p[1]).isIn("counter", "gauge", "untyped", "summary", "histogram");
                assertThat(types).as("one TYPE per family: " + p[0]).doesNotContainKey(p[0]);
                if (current != null) {
                    closed.add(current);
                }
                types.put(p[0], p[1]);
                current = p[0];
                continue;
            }
            assertThat(line).as("no other comments or blank lines").doesNotStartWith("#").isNotBlank();
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("sample line: " + line).isTrue();
            String name = m.group(1);
            assertThat(name).as("samples follow their TYPE, families contiguous: " + line).isEqualTo(current);
            assertThat(closed).doesNotContain(name);
            if (m.group(3) != null) {
                String labels = m.group(3);
                Matcher l = LABEL.matcher(labels);
                int end = 0;
                Set<String> names = new HashSet<>();
                while (l.find() && l.start() == end) {
                    assertThat(names.add(l.group(1))).as("label once: " + line).isTrue();
                    end = l.end();
                }
                assertThat(end).as("labels parse: " + line).isEqualTo(labels.length());
            }
            assertThat(series.add(name + (m.group(2) == null ? "" : m.group(2)))).as("series once: " + line).isTrue();
            if ("counter".equals(types.get(name))) {
                assertThat(name).endsWith("_total");
            }
            values.put(name + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(
                    m.group(4).replace("+Inf", "Infinity").replace("-Inf", "-Infinity")));
        }
        return types;
    }

    private static Metric metric(MetricName name, Object value) {
        return new Metric() {
            @Override
            public MetricName metricName() {
                return name;
            }

            @Override
            public Object metricValue() {
                return value;
            }
        };
    }

    @Test
    void pipelineKafkaAndJvmMetricsAreValidExposition() {
        PipelineMetrics pm = new PipelineMetrics();
        pm.eventIn(Observation.Kind.REQUEST);
        pm.eventIn(Observation.Kind.REQUEST);
        pm.eventIn(Observation.Kind.CACHE);
        pm.deadLetter("bad-magic-byte");
        pm.deadLetter("late");
        pm.windowEmitted("metrics-tumbling");
        pm.lateRecord();
        Map<MetricName, Metric> kafka = new HashMap<>();
        MetricName lag = new MetricName("records-lag", "consumer-fetch-manager-metrics", "lag",
                Map.of("client-id", "c-1", "topic", "beast.requests.v1", "partition", "0"));
        kafka.put(lag, metric(lag, 42.0));
        MetricName rate = new MetricName("process-rate", "stream-thread-metrics", "",
                Map.of("thread-id", "app \"x\"\\1"));
        kafka.put(rate, metric(rate, Double.NaN));
        MetricName version = new MetricName("version", "stream-metrics", "", Map.of());
        kafka.put(version, metric(version, "4.4.0")); // not a number: left out
        MetricName other = new MetricName("connection-count", "admin-client-metrics", "", Map.of());
        kafka.put(other, metric(other, 1)); // group not exported

        PrometheusText text = new PrometheusText();
        PrometheusHandler.pipeline(text, pm);
        PrometheusHandler.kafka(text, kafka);
        PrometheusHandler.jvm(text);
        Map<String, Double> values = new HashMap<>();
        Map<String, String> types = parse(text.render(), values);

        assertThat(types).containsEntry("beast_events_in_total", "counter")
                .containsEntry("beast_dead_letters_total", "counter")
                .containsEntry("beast_windows_emitted_total", "counter")
                .containsEntry("beast_late_records_total", "counter")
                .containsEntry("kafka_consumer_fetch_manager_records_lag", "gauge")
                .containsEntry("kafka_stream_thread_process_rate", "gauge")
                .containsEntry("jvm_memory_bytes_used", "gauge")
                .containsEntry("jvm_gc_collection_seconds_total", "counter")
                .containsEntry("jvm_threads_current", "gauge")
                .containsEntry("process_uptime_seconds", "gauge")
                .doesNotContainKey("kafka_stream_version")
                .doesNotContainKey("kafka_admin_client_connection_count");
        assertThat(values).containsEntry("beast_events_in_total{kind=\"request\"}", 2.0)
                .containsEntry("beast_events_in_total{kind=\"cache\"}", 1.0)
                .containsEntry("beast_dead_letters_total{reason=\"bad-magic-byte\"}", 1.0)
                .containsEntry("beast_windows_emitted_total{store=\"metrics-tumbling\"}", 1.0)
                .containsEntry("kafka_consumer_fetch_manager_records_lag"
                        + "{client_id=\"c-1\",partition=\"0\",topic=\"beast.requests.v1\"}", 42.0)
                .containsKey("kafka_stream_thread_process_rate{thread_id=\"app \\\"x\\\"\\\\1\"}");
        assertThat(values.get("jvm_memory_bytes_used{area=\"heap\"}")).isPositive();
    }

    @Test
    void aRealKafkaStreamsClientsMetricsAndTheRegisteredHookAreScraped() throws Exception {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "prom-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1"); // never started: no broker needed
        p.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("prom").toString());
        StreamsBuilder b = new StreamsBuilder();
        b.stream("in", org.apache.kafka.streams.kstream.Consumed.with(Serdes.String(), Serdes.String())).to("out");
        KafkaStreams streams = new KafkaStreams(b.build(), p);
        try {
            PipelineMetrics pm = new PipelineMetrics();
            PrometheusHandler handler = new PrometheusHandler(() -> streams, pm)
                    .register(t -> t.sample("beast_proposals_total", PrometheusText.Type.COUNTER,
                            "Proposals per kind", Map.of("kind", "REROUTE"), 3));
            Map<String, Double> values = new HashMap<>();
            Map<String, String> types = parse(handler.scrape(), values);
            // Streams' thread metrics exist from construction: process and commit rates and latencies.
            assertThat(types).containsKeys("kafka_stream_thread_process_rate", "kafka_stream_thread_process_total",
                    "kafka_stream_thread_commit_latency_avg", "kafka_stream_alive_stream_threads");
            assertThat(types.get("kafka_stream_thread_process_total")).isEqualTo("counter");
            assertThat(values).containsEntry("beast_streams_up", 0.0)
                    .containsEntry("beast_streams_state{state=\"CREATED\"}", 1.0)
                    .containsEntry("beast_proposals_total{kind=\"REROUTE\"}", 3.0);
        } finally {
            streams.close(Duration.ofSeconds(5));
        }
    }

    @Test
    void namesAndValuesAreSanitised() {
        assertThat(PrometheusText.name("stream-thread-metrics.process rate")).isEqualTo("stream_thread_metrics_process_rate");
        assertThat(PrometheusText.name("9lives")).isEqualTo("_9lives");
        assertThat(PrometheusText.value(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
        assertThat(PrometheusText.value(3.0)).isEqualTo("3");
        assertThat(PrometheusText.value(0.25)).isEqualTo("0.25");
        assertThat(List.of(PrometheusText.escape("a\"b\\c\nd"))).containsExactly("a\\\"b\\\\c\\nd");
    }
}
