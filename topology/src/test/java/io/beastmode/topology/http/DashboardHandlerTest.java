package io.beastmode.topology.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beastmode.topology.PipelineMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** The dashboard's routes on the real HTTP server, before Kafka Streams exists: assets, redirects, fallbacks. */
class DashboardHandlerTest {
    private MetricsHttpServer server;
    private final HttpClient http = HttpClient.newHttpClient(); // does not follow redirects by default

    @BeforeEach
    void start() throws Exception {
        server = new MetricsHttpServer("127.0.0.1", 0, () -> null, () -> null, new PipelineMetrics(), () -> 0L);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void rootRedirectsToThePageAndItsAssetsAreServed() throws Exception {
        HttpResponse<String> root = get("/");
        assertThat(root.statusCode()).isEqualTo(302);
        assertThat(root.headers().firstValue("Location")).hasValue("/dashboard/");
        HttpResponse<String> page = get("/dashboard/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.body()).contains("<script src=\"app.js\"></script>").doesNotContain("http://", "https://");
        HttpResponse<String> js = get("/dashboard/app.js");
        assertThat(js.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        assertThat(js.body()).contains("/api/dashboard").doesNotContain("https://");
        assertThat(get("/dashboard/style.css").statusCode()).isEqualTo(200);
    }

    @Test
    void onlyFlatKnownAssetsAndNoTraversal() throws Exception {
        assertThat(get("/dashboard/missing.js").statusCode()).isEqualTo(404);
        assertThat(get("/dashboard/../pipeline.properties").statusCode()).isEqualTo(404);
        assertThat(get("/dashboard/%2e%2e%2flog4j2.xml").statusCode()).isEqualTo(404);
        assertThat(get("/dashboard/x/app.js").statusCode()).isEqualTo(404);
        assertThat(get("/nothing-here").statusCode()).isEqualTo(404);
    }

    @Test
    void dataAndInsightFallbacksAnswerBeforeStreamsStarts() throws Exception {
        ObjectMapper json = new ObjectMapper();
        HttpResponse<String> data = get("/api/dashboard?minutes=30");
        assertThat(data.statusCode()).isEqualTo(200);
        JsonNode d = json.readTree(data.body());
        assertThat(d.path("state").asText()).isEqualTo("NOT_STARTED");
        assertThat(d.path("windows").isArray()).isTrue();
        assertThat(get("/api/dashboard?minutes=soon").statusCode()).isEqualTo(400);
        for (String p : new String[]{"/api/anomalies", "/api/proposals"}) {
            JsonNode a = json.readTree(get(p).body());
            assertThat(a.path("available").asBoolean(true)).isFalse();
            assertThat(a.path("items").isArray()).isTrue();
        }
        // The catch-all context does not shadow the API's own paths.
        assertThat(get("/api/health").statusCode()).isEqualTo(503);
        assertThat(get("/metrics").body()).contains("# TYPE beast_streams_up gauge");
    }
}
