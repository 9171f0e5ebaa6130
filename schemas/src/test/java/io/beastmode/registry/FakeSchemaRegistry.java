package io.beastmode.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.apache.avro.Schema;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Confluent-REST-speaking registry on 127.0.0.1 for unit tests: answers from an {@link InMemorySchemaRegistryClient}
 * unless a scripted reply is queued, and records every request so tests can count calls and inspect headers.
 */
public final class FakeSchemaRegistry implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SUBJECT_VERSIONS = Pattern.compile("/subjects/([^/]+)/versions");
    private static final Pattern SUBJECT_LATEST = Pattern.compile("/subjects/([^/]+)/versions/latest");
    private static final Pattern SUBJECT = Pattern.compile("/subjects/([^/]+)");
    private static final Pattern SCHEMA_BY_ID = Pattern.compile("/schemas/ids/(\\d+)");
    private static final Pattern CONFIG = Pattern.compile("/config(?:/([^/]+))?");
    private static final Pattern COMPATIBILITY = Pattern.compile("/compatibility/subjects/([^/]+)/versions/latest");

    public record RecordedRequest(String method, String path, String authorization, String contentType, String body, long nanoTime) {
    }

    private record Reply(int status, String body, long delayMs) {
    }

    private final HttpServer server;
    private final InMemorySchemaRegistryClient backing = new InMemorySchemaRegistryClient();
    private final List<RecordedRequest> requests = new ArrayList<>();
    private final Deque<Reply> scripted = new ArrayDeque<>();

    public FakeSchemaRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public InMemorySchemaRegistryClient backing() {
        return backing;
    }

    /** The next request gets this reply instead of the real answer. */
    public synchronized void enqueue(int status, String body) {
        scripted.add(new Reply(status, body, 0));
    }

    /** The next request is answered only after {@code delayMs}. */
    public synchronized void enqueueDelayed(long delayMs) {
        scripted.add(new Reply(0, null, delayMs));
    }

    /** The next {@code count} requests fail with {@code status} and a Confluent error body. */
    public synchronized void failNext(int count, int status) {
        for (int i = 0; i < count; i++) {
            scripted.add(new Reply(status, "{\"error_code\":" + status + "01,\"message\":\"scripted failure\"}", 0));
        }
    }

    public synchronized List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    public synchronized List<RecordedRequest> requests(String method, String path) {
        return requests.stream().filter(r -> r.method().equals(method) && r.path().equals(path)).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String path = exchange.getRequestURI().getRawPath();
        Reply reply;
        synchronized (this) {
            requests.add(new RecordedRequest(exchange.getRequestMethod(), path,
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    exchange.getRequestHeaders().getFirst("Content-Type"), body, System.nanoTime()));
            reply = scripted.poll();
        }
        if (reply != null && reply.delayMs() > 0) {
            sleep(reply.delayMs());
            reply = null;
        }
        if (reply == null) {
            reply = answer(exchange.getRequestMethod(), path, body);
        }
        byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", RestSchemaRegistryClient.CONTENT_TYPE);
        try {
            exchange.sendResponseHeaders(reply.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (IOException clientGaveUp) {
            // The client timed out and closed the connection: nothing to answer.
        }
    }

    private Reply answer(String method, String path, String body) {
        try {
            Matcher m;
            if (method.equals("POST") && (m = SUBJECT_VERSIONS.matcher(path)).matches()) {
                return ok(JSON.createObjectNode().put("id", backing.register(subject(m), schemaOf(body))));
            }
            if (method.equals("GET") && (m = SUBJECT_LATEST.matcher(path)).matches()) {
                RegisteredSchema latest = backing.getLatest(subject(m));
                return ok(JSON.createObjectNode().put("subject", latest.subject()).put("id", latest.id())
                        .put("version", latest.version()).put("schema", latest.schema().toString()));
            }
            if (method.equals("GET") && (m = SUBJECT_VERSIONS.matcher(path)).matches()) {
                return ok(JSON.valueToTree(backing.versions(subject(m))));
            }
            if (method.equals("POST") && (m = SUBJECT.matcher(path)).matches()) {
                int id = backing.lookup(subject(m), schemaOf(body));
                return ok(JSON.createObjectNode().put("subject", subject(m)).put("id", id).put("schema", backing.getById(id).toString()));
            }
            if (method.equals("DELETE") && (m = SUBJECT.matcher(path)).matches()) {
                return ok(JSON.valueToTree(backing.deleteSubject(subject(m))));
            }
            if (method.equals("GET") && path.equals("/subjects")) {
                return ok(JSON.valueToTree(backing.subjects()));
            }
            if (method.equals("GET") && (m = SCHEMA_BY_ID.matcher(path)).matches()) {
                return ok(JSON.createObjectNode().put("schema", backing.getById(Integer.parseInt(m.group(1))).toString()));
            }
            if ((m = CONFIG.matcher(path)).matches()) {
                String subject = m.group(1) == null ? null : URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
                if (method.equals("PUT")) {
                    backing.setCompatibility(subject, JSON.readTree(body).path("compatibility").asText());
                    return ok(JSON.createObjectNode().put("compatibility", backing.getCompatibility(subject)));
                }
                return ok(JSON.createObjectNode().put("compatibilityLevel", backing.getCompatibility(subject)));
            }
            if (method.equals("POST") && (m = COMPATIBILITY.matcher(path)).matches()) {
                return ok(JSON.createObjectNode().put("is_compatible", backing.testCompatibility(subject(m), schemaOf(body))));
            }
            return new Reply(404, "{\"error_code\":404,\"message\":\"HTTP 404 Not Found\"}", 0);
        } catch (SchemaRegistryException e) {
            ObjectNode error = JSON.createObjectNode().put("error_code", e.errorCode()).put("message", e.registryMessage());
            return new Reply(e.httpStatus(), error.toString(), 0);
        } catch (IOException e) {
            return new Reply(400, "{\"error_code\":400,\"message\":\"bad JSON\"}", 0);
        }
    }

    private static Reply ok(JsonNode body) {
        return new Reply(200, body.toString(), 0);
    }

    private static String subject(Matcher m) {
        return URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
    }

    private static Schema schemaOf(String body) throws IOException {
        return new Schema.Parser().parse(JSON.readTree(body).path("schema").asText());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
