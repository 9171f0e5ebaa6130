package io.beastmode.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * A client for the Confluent Schema Registry REST API over {@link java.net.http}. Works with Confluent, Apicurio
 * ({@code /apis/ccompat/v7}), Redpanda and Karapace. Base URLs are tried in turn (failover); IO errors and 5xx/429
 * answers are retried with exponential backoff; ids, schemas and (subject, schema) registrations are cached, so the
 * serde hot path makes no HTTP call after the first record of a schema. Thread-safe.
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {
    private static final Logger log = LoggerFactory.getLogger(RestSchemaRegistryClient.class);

    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String ACCEPT = CONTENT_TYPE + ", application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_BACKOFF_MS = 30_000;

    private record SubjectSchema(String subject, Schema schema) {
    }

    private final List<URI> baseUrls;
    private final int retries;
    private final Duration retryBackoff;
    private final Duration timeout;
    private final String authorization;
    private final HttpClient http;
    private final BoundedCache<Integer, Schema> schemasById;
    private final BoundedCache<SubjectSchema, Integer> idsBySubjectSchema;
    /** Index of the base URL that answered last; failover starts there so a dead URL costs one attempt at most. */
    private volatile int preferredUrl;

    private RestSchemaRegistryClient(Builder builder) {
        List<URI> urls = new ArrayList<>();
        String urlCredentials = null;
        for (String raw : builder.urls.split(",")) {
            if (raw.isBlank()) {
                continue;
            }
            URI uri = URI.create(raw.trim());
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
                throw new IllegalArgumentException("schema registry URL must be http(s)://..., got '" + raw.trim() + "'");
            }
            if (uri.getRawUserInfo() != null) {
                urlCredentials = decode(uri.getRawUserInfo());
            }
            urls.add(withoutUserInfo(uri));
        }
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("no schema registry URL given");
        }
        this.baseUrls = List.copyOf(urls);
        this.retries = builder.retries;
        this.retryBackoff = builder.retryBackoff;
        this.timeout = builder.timeout;
        String userInfo = builder.userInfo != null ? builder.userInfo : urlCredentials;
        this.authorization = userInfo == null ? null
                : "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
        HttpClient.Builder httpBuilder = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NORMAL);
        if (builder.sslContext != null) {
            httpBuilder.sslContext(builder.sslContext);
        }
        this.http = httpBuilder.build();
        this.schemasById = new BoundedCache<>(builder.cacheCapacity);
        this.idsBySubjectSchema = new BoundedCache<>(builder.cacheCapacity);
    }

    /** A builder for one or more comma-separated base URLs, e.g. {@code http://127.0.0.1:8081/apis/ccompat/v7}. */
    public static Builder builder(String urls) {
        return new Builder(urls);
    }

    public List<URI> baseUrls() {
        return baseUrls;
    }

    @Override
    public int register(String subject, Schema schema) {
        Objects.requireNonNull(schema, "schema");
        return idsBySubjectSchema.computeIfAbsent(new SubjectSchema(subject, schema), key -> {
            JsonNode reply;
            try {
                reply = call("register", subject, null, "POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema));
            } catch (SchemaRegistryException conflict) {
                // Two writers registering the same new subject at once: Apicurio answers the loser with 409 although
                // the schema is now there. A lookup tells a lost race (same schema registered) from a real conflict.
                if (!conflict.isIncompatible()) {
                    throw conflict;
                }
                try {
                    reply = call("lookup", subject, null, "POST", "/subjects/" + encode(subject), schemaBody(schema));
                } catch (SchemaRegistryException notThere) {
                    throw conflict;
                }
            }
            int id = requiredInt(reply, "id", "register", subject);
            schemasById.put(id, schema);
            return id;
        });
    }

    @Override
    public int lookup(String subject, Schema schema) {
        Objects.requireNonNull(schema, "schema");
        return idsBySubjectSchema.computeIfAbsent(new SubjectSchema(subject, schema), key -> {
            JsonNode reply = call("lookup", subject, null, "POST", "/subjects/" + encode(subject), schemaBody(schema));
            int id = requiredInt(reply, "id", "lookup", subject);
            schemasById.put(id, schema);
            return id;
        });
    }

    @Override
    public Schema getById(int id) {
        return schemasById.computeIfAbsent(id, key -> {
            JsonNode reply = call("get schema by id", null, id, "GET", "/schemas/ids/" + id, null);
            return parse(reply.path("schema").asText(null), "get schema by id", null, id);
        });
    }

    @Override
    public RegisteredSchema getLatest(String subject) {
        JsonNode reply = call("get latest version", subject, null, "GET", "/subjects/" + encode(subject) + "/versions/latest", null);
        int id = requiredInt(reply, "id", "get latest version", subject);
        Schema schema = parse(reply.path("schema").asText(null), "get latest version", subject, id);
        schemasById.put(id, schema);
        return new RegisteredSchema(reply.path("subject").asText(subject), id,
                requiredInt(reply, "version", "get latest version", subject), schema);
    }

    @Override
    public List<String> subjects() {
        List<String> subjects = new ArrayList<>();
        call("list subjects", null, null, "GET", "/subjects", null).forEach(node -> subjects.add(node.asText()));
        return subjects;
    }

    @Override
    public List<Integer> versions(String subject) {
        return intList(call("list versions", subject, null, "GET", "/subjects/" + encode(subject) + "/versions", null));
    }

    @Override
    public String getCompatibility(String subject) {
        if (subject == null) {
            return compatibilityField(call("get compatibility", null, null, "GET", "/config", null), "get compatibility", null);
        }
        try {
            JsonNode reply = call("get compatibility", subject, null, "GET", "/config/" + encode(subject) + "?defaultToGlobal=true", null);
            return compatibilityField(reply, "get compatibility", subject);
        } catch (SchemaRegistryException e) {
            // Registries without a subject-level setting answer 404 (Confluent 40408, Apicurio 404): the global level applies.
            if (e.isNotFound()) {
                return getCompatibility(null);
            }
            throw e;
        }
    }

    @Override
    public void setCompatibility(String subject, String level) {
        String normalized = Compatibility.normalize(level);
        ObjectNode body = JSON.createObjectNode().put("compatibility", normalized);
        String path = subject == null ? "/config" : "/config/" + encode(subject);
        JsonNode reply = call("set compatibility", subject, null, "PUT", path, body);
        String confirmed = compatibilityField(reply, "set compatibility", subject);
        if (!normalized.equals(confirmed)) {
            throw new SchemaRegistryException("set compatibility", subject, null, 200, 0,
                    "registry confirmed level " + confirmed + " instead of " + normalized, null);
        }
    }

    @Override
    public boolean testCompatibility(String subject, Schema schema) {
        try {
            JsonNode reply = call("test compatibility", subject, null, "POST",
                    "/compatibility/subjects/" + encode(subject) + "/versions/latest", schemaBody(schema));
            JsonNode verdict = reply.get("is_compatible");
            if (verdict == null || !verdict.isBoolean()) {
                throw new SchemaRegistryException("test compatibility", subject, null, 200, 0,
                        "reply has no boolean is_compatible: " + reply, null);
            }
            return verdict.asBoolean();
        } catch (SchemaRegistryException e) {
            // A subject without versions constrains nothing (Confluent answers 40401, Apicurio 40402). A bare 404
            // without a registry code means a wrong URL, which must not pass as "compatible".
            if (e.errorCode() == SchemaRegistryException.SUBJECT_NOT_FOUND || e.errorCode() == SchemaRegistryException.VERSION_NOT_FOUND) {
                return true;
            }
            throw e;
        }
    }

    @Override
    public List<Integer> deleteSubject(String subject) {
        List<Integer> deleted = intList(call("delete subject", subject, null, "DELETE", "/subjects/" + encode(subject), null));
        idsBySubjectSchema.removeIf(key -> key.subject().equals(subject));
        return deleted;
    }

    @Override
    public void close() {
        // HttpClient (Java 17) has no close; its threads end when it is unreachable.
    }

    // ---------------------------------------------------------------- HTTP

    private JsonNode call(String operation, String subject, Integer id, String method, String path, JsonNode body) {
        SchemaRegistryException lastFailure = null;
        for (int round = 0; round <= retries; round++) {
            if (round > 0) {
                sleepBeforeRetry(round, lastFailure);
            }
            int first = preferredUrl;
            for (int i = 0; i < baseUrls.size(); i++) {
                int index = (first + i) % baseUrls.size();
                URI uri = URI.create(baseUrls.get(index) + path);
                HttpResponse<String> response;
                try {
                    response = http.send(request(method, uri, body), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    lastFailure = new SchemaRegistryException(operation, subject, id, SchemaRegistryException.NO_RESPONSE, 0,
                            e.getClass().getSimpleName() + " from " + uri + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
                    continue;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SchemaRegistryException(operation, subject, id, SchemaRegistryException.NO_RESPONSE, 0,
                            "interrupted while calling " + uri, e);
                }
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    preferredUrl = index;
                    return parseJson(response.body(), operation, subject, id);
                }
                SchemaRegistryException failure = errorFrom(response, operation, subject, id);
                if (!failure.isUnavailable()) {
                    preferredUrl = index;
                    throw failure;
                }
                lastFailure = failure;
            }
        }
        throw lastFailure;
    }

    private HttpRequest request(String method, URI uri, JsonNode body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Accept", ACCEPT);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", CONTENT_TYPE);
            request.method(method, HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        }
        return request.build();
    }

    private void sleepBeforeRetry(int round, SchemaRegistryException lastFailure) {
        long backoffMs = Math.min(MAX_BACKOFF_MS, retryBackoff.toMillis() << Math.min(round - 1, 20));
        log.debug("retrying schema registry call in {} ms after: {}", backoffMs, lastFailure.getMessage());
        try {
            Thread.sleep(backoffMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw lastFailure;
        }
    }

    private static SchemaRegistryException errorFrom(HttpResponse<String> response, String operation, String subject, Integer id) {
        int errorCode = 0;
        String message = response.body();
        try {
            JsonNode error = JSON.readTree(response.body());
            if (error != null && error.isObject()) {
                errorCode = error.path("error_code").asInt(0);
                JsonNode text = error.get("message");
                if (text != null && !text.isNull()) {
                    message = text.asText();
                }
            }
        } catch (JsonProcessingException | RuntimeException notJson) {
            // Proxies and load balancers answer with HTML or plain text: keep the body as the message.
        }
        if (message != null && message.length() > 500) {
            message = message.substring(0, 500) + "...";
        }
        return new SchemaRegistryException(operation, subject, id, response.statusCode(), errorCode, message, null);
    }

    private static JsonNode parseJson(String body, String operation, String subject, Integer id) {
        try {
            JsonNode node = body == null || body.isBlank() ? JSON.nullNode() : JSON.readTree(body);
            return node == null ? JSON.nullNode() : node;
        } catch (JsonProcessingException e) {
            throw new SchemaRegistryException(operation, subject, id, 200, 0, "reply is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    // ---------------------------------------------------------------- JSON helpers

    private static JsonNode schemaBody(Schema schema) {
        return JSON.createObjectNode().put("schema", schema.toString());
    }

    private static int requiredInt(JsonNode reply, String field, String operation, String subject) {
        JsonNode value = reply.get(field);
        if (value == null || !value.canConvertToInt()) {
            throw new SchemaRegistryException(operation, subject, null, 200, 0, "reply has no integer '" + field + "': " + reply, null);
        }
        return value.asInt();
    }

    /** Confluent answers {@code compatibilityLevel} on GET and {@code compatibility} on PUT; Apicurio varies: accept both. */
    private static String compatibilityField(JsonNode reply, String operation, String subject) {
        for (String field : List.of("compatibilityLevel", "compatibility")) {
            JsonNode value = reply.get(field);
            if (value != null && value.isTextual()) {
                return value.asText().toUpperCase(java.util.Locale.ROOT);
            }
        }
        throw new SchemaRegistryException(operation, subject, null, 200, 0, "reply has no compatibility level: " + reply, null);
    }

    private static List<Integer> intList(JsonNode reply) {
        List<Integer> values = new ArrayList<>();
        reply.forEach(node -> values.add(node.asInt()));
        return values;
    }

    private static Schema parse(String text, String operation, String subject, Integer id) {
        if (text == null) {
            throw new SchemaRegistryException(operation, subject, id, 200, 0, "reply has no 'schema'", null);
        }
        try {
            return new Schema.Parser().parse(text);
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException(operation, subject, id, 200, SchemaRegistryException.INVALID_SCHEMA,
                    "registry returned a schema Avro cannot parse: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- URLs

    private static String encode(String pathSegment) {
        Objects.requireNonNull(pathSegment, "subject");
        return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String decode(String userInfo) {
        return java.net.URLDecoder.decode(userInfo.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static URI withoutUserInfo(URI uri) {
        try {
            String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
            return new URI(uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + path);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("bad schema registry URL " + uri, e);
        }
    }

    /** Settings of a {@link RestSchemaRegistryClient}; defaults match {@link RegistryClientConfig}. */
    public static final class Builder {
        private final String urls;
        private int retries = RegistryClientConfig.DEFAULT_RETRIES;
        private Duration retryBackoff = Duration.ofMillis(RegistryClientConfig.DEFAULT_RETRY_BACKOFF_MS);
        private Duration timeout = Duration.ofMillis(RegistryClientConfig.DEFAULT_TIMEOUT_MS);
        private int cacheCapacity = RegistryClientConfig.DEFAULT_CACHE_CAPACITY;
        private String userInfo;
        private SSLContext sslContext;

        private Builder(String urls) {
            this.urls = Objects.requireNonNull(urls, "schema registry URL");
        }

        /** Retries after the first attempt (each retry tries every base URL once). */
        public Builder retries(int retries) {
            if (retries < 0) {
                throw new IllegalArgumentException("retries must be >= 0, got " + retries);
            }
            this.retries = retries;
            return this;
        }

        /** Wait before the first retry; doubled for each further retry. */
        public Builder retryBackoff(Duration backoff) {
            this.retryBackoff = Objects.requireNonNull(backoff);
            return this;
        }

        public Builder timeout(Duration timeout) {
            if (timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("timeout must be positive, got " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        public Builder cacheCapacity(int capacity) {
            this.cacheCapacity = capacity;
            return this;
        }

        /** HTTP basic auth as {@code user:password}; overrides credentials embedded in the URL. */
        public Builder basicAuth(String userInfo) {
            if (userInfo != null && !userInfo.contains(":")) {
                throw new IllegalArgumentException("basic auth user info must be user:password");
            }
            this.userInfo = userInfo;
            return this;
        }

        public Builder sslContext(SSLContext sslContext) {
            this.sslContext = sslContext;
            return this;
        }

        public RestSchemaRegistryClient build() {
            return new RestSchemaRegistryClient(this);
        }
    }
}
