package io.beastmode.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.beastmode.serde.BeastAvroSerializer;
import io.beastmode.serde.BeastSerdeConfig;
import io.beastmode.stack.BeastTestStack;
import io.beastmode.telemetry.v1.RequestEvent;
import io.beastmode.topology.BeastPipeline;
import io.beastmode.topology.config.PipelineConfig;
import io.beastmode.topology.config.PipelineTopics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code beast query} against a running pipeline: 120 requests one second apart fill two one-minute windows of one
 * model, and pull queries with key equality and window bounds return exactly the windows they select.
 */
class QueryIT {
    private static final long MIN = 60_000L;

    @Test
    void pullQueriesAreAnsweredFromTheWindowStores() throws Exception {
        String bootstrap = BeastTestStack.bootstrapServers();
        String registry = BeastTestStack.registryUrl();
        String prefix = "q-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        PipelineConfig config = TestPipelines.config(prefix);
        PipelineTopics topics = config.topics();
        long base = (System.currentTimeMillis() - 3_600_000L) / MIN * MIN;
        BeastAvroSerializer<RequestEvent> serializer = new BeastAvroSerializer<>();
        serializer.configure(Map.of(BeastSerdeConfig.SCHEMA_REGISTRY_URL, registry), false);
        try (BeastPipeline pipeline = BeastPipeline.start(config);
             KafkaProducer<String, RequestEvent> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(), serializer)) {
            for (int i = 0; i < 120; i++) {
                RequestEvent e = InspectIT.request("q-" + i, base + i * 1000L, 100 + i);
                producer.send(new ProducerRecord<>(topics.requests(), null, e.getEventTime(), e.getRequestId(), e));
            }
            producer.flush();
            String url = "http://127.0.0.1:" + pipeline.httpPort();
            String key = "SELECT * FROM metrics_1m WHERE key = 'MODEL|gpt-4o'";

            // Poll until both windows hold all their requests (the pipeline commits every 100 ms).
            JsonNode rows = null;
            long deadline = System.currentTimeMillis() + 90_000;
            while (System.currentTimeMillis() < deadline) {
                InspectIT.Run r = InspectIT.beast("query", key, "--pipeline-url", url, "--json");
                if (r.rc() == 0) {
                    rows = Json.MAPPER.readTree(r.out());
                    if (rows.size() == 2 && rows.get(0).path("requests").path("count").asLong() == 60
                            && rows.get(1).path("requests").path("count").asLong() == 60) {
                        break;
                    }
                }
                Thread.sleep(500);
            }
            assertThat(rows).as("two full windows").isNotNull().hasSize(2);
            assertThat(rows.get(0).path("requests").path("count").asLong()).as(rows.toString()).isEqualTo(60);
            assertThat(rows.get(0).path("windowStart").asLong()).isEqualTo(base);
            assertThat(rows.get(1).path("windowStart").asLong()).isEqualTo(base + MIN);
            assertThat(rows.get(1).path("requests").path("count").asLong()).isEqualTo(60);

            InspectIT.Run second = InspectIT.beast("query", key + " AND WINDOWSTART >= '"
                    + Instant.ofEpochMilli(base + MIN) + "'", "--pipeline-url", url, "--json");
            assertThat(second.rc()).as(second.err()).isZero();
            JsonNode secondRows = Json.MAPPER.readTree(second.out());
            assertThat(secondRows).hasSize(1);
            assertThat(secondRows.get(0).path("windowStart").asLong()).isEqualTo(base + MIN);

            InspectIT.Run first = InspectIT.beast("query", key + " AND WINDOWEND <= " + (base + MIN),
                    "--pipeline-url", url, "--json");
            assertThat(Json.MAPPER.readTree(first.out())).hasSize(1);
            assertThat(Json.MAPPER.readTree(first.out()).get(0).path("windowEnd").asLong()).isEqualTo(base + MIN);

            InspectIT.Run none = InspectIT.beast("query", "SELECT * FROM metrics_1m WHERE key = 'MODEL|no-such'",
                    "--pipeline-url", url);
            assertThat(none.rc()).as(none.err()).isZero();
            assertThat(none.out()).contains("(0 rows)");

            InspectIT.Run table = InspectIT.beast("query", key, "--pipeline-url", url);
            assertThat(table.out()).contains("MODEL|gpt-4o").contains(Instant.ofEpochMilli(base).toString())
                    .contains("(2 rows)");

            // The same server scrapes for Prometheus: the pipeline's counters and Streams' own metrics.
            java.net.http.HttpResponse<String> scrape = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
            assertThat(scrape.body()).contains("\nbeast_events_in_total{kind=\"request\"} 120\n")
                    .contains("# TYPE kafka_stream_thread_process_total counter")
                    .contains("# TYPE kafka_consumer_fetch_manager_records_lag gauge")
                    .contains("\nbeast_streams_up 1\n");

            InspectIT.Run badWindow = InspectIT.beast("query", "SELECT * FROM metrics_7m WHERE key = 'ALL|*'",
                    "--pipeline-url", url);
            assertThat(badWindow.rc()).isEqualTo(ExitCodes.USAGE);
            assertThat(badWindow.err()).contains("unknown window '7m'");
        }
    }
}
