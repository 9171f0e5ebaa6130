package io.beastmode.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.beastmode.topology.config.PipelineConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code beast query "SELECT ..."}: ksqlDB-style pull queries answered from the pipeline's window stores (IQv2)
 * through its HTTP API, which forwards to the instance owning the key.
 */
@Command(name = "query", description = {"Run a ksqlDB-style pull query against the pipeline's window stores:",
        "  SELECT * FROM metrics_1m WHERE key = 'MODEL|gpt-4o' AND WINDOWSTART >= '2026-11-26T06:00:00Z'",
        "Tables: metrics-tumbling (alias metrics_1m or the configured size), metrics-hopping (metrics_5m).",
        "Keys are dimension keys 'DIM|key' (ALL|*, MODEL|..., REQUEST_TYPE_MODEL|code|gpt-4o, ...); "
                + "WINDOWSTART/WINDOWEND take =, >=, >, <=, < with ISO-8601 or epoch milliseconds."})
public final class QueryCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SQL", description = "The pull query (quote it for the shell).")
    String sql;

    @Option(names = "--pipeline-url", paramLabel = "URL",
            defaultValue = "http://127.0.0.1:" + PipelineConfig.DEFAULT_HTTP_PORT,
            description = "The HTTP API of a running pipeline (`beast run`) (default: ${DEFAULT-VALUE}).")
    String pipelineUrl;

    @Option(names = "--json", description = "Print the rows as a JSON array of the API's window objects.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PullQuery q;
        String window;
        try {
            q = PullQuery.parse(sql);
            window = q.window();
        } catch (PullQuery.Unsupported e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        // The API bounds window starts; a WINDOWEND bound also caps the start (start < end), the rest is filtered here.
        long to = Math.min(q.startTo(), q.endTo());
        String base = pipelineUrl.endsWith("/") ? pipelineUrl.substring(0, pipelineUrl.length() - 1) : pipelineUrl;
        URI uri = URI.create(base + "/api/metrics/" + enc(window) + "/" + enc(q.dimension()) + "/"
                + enc(q.dimensionKey()) + "?from=" + q.startFrom() + "&to=" + to);
        HttpResponse<String> r;
        try {
            r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(
                    HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new NotReadyException("no pipeline answers at " + base + " (start one with `beast run`)");
        }
        JsonNode body = Json.MAPPER.readTree(r.body());
        if (r.statusCode() == 400) {
            throw new CommandLine.ParameterException(spec.commandLine(), body.path("error").asText(r.body()));
        }
        if (r.statusCode() == 503) {
            throw new NotReadyException("the pipeline cannot answer yet: " + body.path("error").asText(r.body()));
        }
        if (r.statusCode() != 200) {
            throw new IllegalStateException("pipeline answered " + r.statusCode() + ": " + r.body());
        }
        List<JsonNode> rows = new ArrayList<>();
        for (JsonNode w : body.path("windows")) {
            if (q.endInRange(w.path("windowEnd").asLong())) {
                rows.add(w);
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.write(rows));
        } else {
            Table t = new Table("KEY", "WINDOWSTART", "WINDOWEND", "REQUESTS", "P50_MS", "P95_MS", "P99_MS",
                    "CACHE_HIT_RATE", "SPEND_USD", "CLOSED");
            for (JsonNode w : rows) {
                t.row(q.dimension() + "|" + q.dimensionKey(), Instant.ofEpochMilli(w.path("windowStart").asLong()),
                        Instant.ofEpochMilli(w.path("windowEnd").asLong()), w.path("requests").path("count").asText(""),
                        num(w.path("latency").path("p50")), num(w.path("latency").path("p95")),
                        num(w.path("latency").path("p99")), num(w.path("cache").path("hitRate")),
                        num(w.path("cost").path("spendUsd")), w.path("closed").asText());
            }
            out.print(t.render());
            out.println("(" + rows.size() + " row" + (rows.size() == 1 ? "" : "s") + ")");
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static String num(JsonNode n) {
        return n.isMissingNode() || n.isNull() ? "" : n.isNumber() ? String.format("%.4g", n.asDouble()) : n.asText();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
