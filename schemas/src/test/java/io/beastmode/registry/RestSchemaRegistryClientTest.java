package io.beastmode.registry;

import io.beastmode.testing.TestSchemas;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RestSchemaRegistryClientTest {
    private static final Schema PING = TestSchemas.v1("Ping");

    private FakeSchemaRegistry registry;

    @BeforeEach
    void startRegistry() throws IOException {
        registry = new FakeSchemaRegistry();
    }

    @AfterEach
    void stopRegistry() {
        registry.close();
    }

    private RestSchemaRegistryClient client(int retries, long backoffMs) {
        return RestSchemaRegistryClient.builder(registry.url()).retries(retries).retryBackoff(Duration.ofMillis(backoffMs)).build();
    }

    @Test
    void registersLooksUpAndFetchesThroughTheRestApi() {
        RestSchemaRegistryClient client = client(0, 1);
        int id = client.register("pings-value", PING);

        assertThat(client.lookup("pings-value", PING)).isEqualTo(id);
        assertThat(client.getLatest("pings-value")).isEqualTo(new RegisteredSchema("pings-value", id, 1, PING));
        assertThat(client.subjects()).containsExactly("pings-value");
        assertThat(client.versions("pings-value")).containsExactly(1);
        RecordedRequestAssert.contentTypeOfPosts(registry);
    }

    @Test
    void getByIdParsesTheSchemaTheRegistryHolds() {
        int id = registry.backing().register("other-value", PING);

        assertThat(client(0, 1).getById(id)).isEqualTo(PING);
    }

    @Test
    void retriesWithGrowingBackoffOnServiceUnavailableThenSucceeds() {
        registry.failNext(2, 503);

        int id = client(3, 50).register("retry-value", PING);

        List<FakeSchemaRegistry.RecordedRequest> attempts = registry.requests("POST", "/subjects/retry-value/versions");
        assertThat(attempts).hasSize(3);
        assertThat(registry.backing().lookup("retry-value", PING)).isEqualTo(id);
        long firstGapMs = (attempts.get(1).nanoTime() - attempts.get(0).nanoTime()) / 1_000_000;
        long secondGapMs = (attempts.get(2).nanoTime() - attempts.get(1).nanoTime()) / 1_000_000;
        assertThat(firstGapMs).isGreaterThanOrEqualTo(50);
        assertThat(secondGapMs).isGreaterThanOrEqualTo(100);
    }

    @Test
    void retriesTooManyRequests() {
        registry.failNext(1, 429);

        client(1, 1).register("throttled-value", PING);

        assertThat(registry.requests("POST", "/subjects/throttled-value/versions")).hasSize(2);
    }

    @Test
    void givesUpAfterTheConfiguredRetriesNamingStatusAndSubject() {
        registry.failNext(10, 503);

        assertThatThrownBy(() -> client(2, 1).register("down-value", PING))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(503);
                    assertThat(e.isUnavailable()).isTrue();
                    assertThat(e.getMessage()).contains("'down-value'", "HTTP 503", "scripted failure");
                });
        assertThat(registry.requests("POST", "/subjects/down-value/versions")).hasSize(3);
    }

    @Test
    void incompatibleSchemaIsReportedWithStatusCodeAndRegistryMessageWithoutRetry() {
        registry.enqueue(409, "{\"error_code\":409,\"message\":\"Schema being registered is incompatible with an earlier schema\"}");

        assertThatThrownBy(() -> client(3, 1).register("evolving-value", PING))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(409);
                    assertThat(e.errorCode()).isEqualTo(409);
                    assertThat(e.isIncompatible()).isTrue();
                    assertThat(e.subject()).isEqualTo("evolving-value");
                    assertThat(e.getMessage()).contains("register", "'evolving-value'", "HTTP 409", "error_code 409",
                            "Schema being registered is incompatible");
                });
        // No retry of the register; one lookup to rule out a lost registration race, which finds nothing.
        assertThat(registry.requests("POST", "/subjects/evolving-value/versions")).hasSize(1);
        assertThat(registry.requests("POST", "/subjects/evolving-value")).hasSize(1);
    }

    @Test
    void aConflictFromALostRegistrationRaceResolvesToTheRegisteredId() {
        // Another writer registered the same schema first; Apicurio answers the loser's register with 409.
        int winnersId = registry.backing().register("raced-value", PING);
        registry.enqueue(409, "{\"error_code\":409,\"message\":\"RuleViolationException: concurrent registration\"}");

        assertThat(client(3, 1).register("raced-value", PING)).isEqualTo(winnersId);
        assertThat(registry.requests("POST", "/subjects/raced-value")).hasSize(1);
    }

    @Test
    void unknownSubjectAndUnknownIdAreNotFoundErrorsNamingWhatWasAskedFor() {
        RestSchemaRegistryClient client = client(3, 1);

        assertThatThrownBy(() -> client.getLatest("nobody-value"))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SUBJECT_NOT_FOUND);
                    assertThat(e.isNotFound()).isTrue();
                    assertThat(e.getMessage()).contains("'nobody-value'", "HTTP 404", "error_code 40401");
                });
        assertThatThrownBy(() -> client.getById(777))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND);
                    assertThat(e.schemaId()).isEqualTo(777);
                    assertThat(e.getMessage()).contains("schema id 777", "HTTP 404", "error_code 40403");
                });
        assertThat(registry.requests()).hasSize(2);
    }

    @Test
    void invalidSchemaErrorCarriesTheRegistryCode() {
        registry.enqueue(422, "{\"error_code\":42201,\"message\":\"Invalid schema\"}");

        assertThatThrownBy(() -> client(0, 1).register("bad-value", PING))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(422);
                    assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.INVALID_SCHEMA);
                    assertThat(e.getMessage()).contains("HTTP 422", "error_code 42201", "Invalid schema");
                });
    }

    @Test
    void nonJsonErrorBodiesFromProxiesBecomeTheMessage() {
        registry.enqueue(502, "<html>Bad Gateway</html>");

        assertThatThrownBy(() -> client(0, 1).getById(1))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.errorCode()).isZero();
                    assertThat(e.getMessage()).contains("HTTP 502", "<html>Bad Gateway</html>");
                });
    }

    @Test
    void sendsBasicAuthFromUserInfo() {
        SchemaRegistryClient client = SchemaRegistryClients.create(Map.of(
                RegistryClientConfig.URL, registry.url(),
                RegistryClientConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO",
                RegistryClientConfig.BASIC_AUTH_USER_INFO, "alice:s3cr:et"));

        client.subjects();

        assertThat(registry.requests().get(0).authorization()).isEqualTo(basic("alice:s3cr:et"));
    }

    @Test
    void sendsBasicAuthFromCredentialsInTheUrl() {
        String url = registry.url().replace("http://", "http://bob:pa%40ss@");
        SchemaRegistryClient client = SchemaRegistryClients.create(Map.of(
                RegistryClientConfig.URL, url, RegistryClientConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "URL"));

        client.subjects();

        assertThat(registry.requests().get(0).authorization()).isEqualTo(basic("bob:pa@ss"));
    }

    @Test
    void sendsNoAuthorizationWhenNoneIsConfigured() {
        client(0, 1).subjects();

        assertThat(registry.requests().get(0).authorization()).isNull();
    }

    @Test
    void failsOverToTheNextUrlAndStaysThere() throws IOException {
        String deadUrl = "http://127.0.0.1:" + closedPort();
        RestSchemaRegistryClient client = RestSchemaRegistryClient.builder(deadUrl + "," + registry.url())
                .retries(0).timeout(Duration.ofSeconds(2)).build();

        client.register("failover-value", PING);
        client.subjects();

        assertThat(registry.requests()).hasSize(2);
        assertThat(registry.backing().subjects()).containsExactly("failover-value");
    }

    @Test
    void aFailingFirstRegistryFailsOverToTheSecondWithoutWaiting() throws IOException {
        try (FakeSchemaRegistry standby = new FakeSchemaRegistry()) {
            registry.failNext(1, 500);
            RestSchemaRegistryClient client = RestSchemaRegistryClient.builder(registry.url() + "," + standby.url())
                    .retries(0).retryBackoff(Duration.ofSeconds(30)).build();

            int id = client.register("standby-value", PING);

            assertThat(standby.backing().lookup("standby-value", PING)).isEqualTo(id);
            assertThat(registry.requests()).hasSize(1);
        }
    }

    @Test
    void connectionRefusedIsAnUnavailableErrorWithoutStatus() throws IOException {
        RestSchemaRegistryClient client = RestSchemaRegistryClient.builder("http://127.0.0.1:" + closedPort())
                .retries(1).retryBackoff(Duration.ofMillis(1)).build();

        assertThatThrownBy(() -> client.getById(5))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(SchemaRegistryException.NO_RESPONSE);
                    assertThat(e.isUnavailable()).isTrue();
                    assertThat(e.getMessage()).contains("schema id 5", "no response", "ConnectException");
                });
    }

    @Test
    void slowAnswerTimesOutAndIsRetried() {
        registry.enqueueDelayed(1500);
        RestSchemaRegistryClient client = RestSchemaRegistryClient.builder(registry.url())
                .timeout(Duration.ofMillis(300)).retries(1).retryBackoff(Duration.ofMillis(1)).build();

        assertThat(client.subjects()).isEmpty();
        assertThat(registry.requests("GET", "/subjects")).hasSize(2);
    }

    @Test
    void cachesIdsAndSchemasSoRepeatedCallsMakeNoHttpRequest() {
        RestSchemaRegistryClient client = client(0, 1);
        int id = client.register("cached-value", PING);
        client.register("cached-value", PING);
        client.lookup("cached-value", PING);
        client.getById(id);

        assertThat(registry.requests()).hasSize(1);
    }

    @Test
    void boundedCacheEvictsAndRefetches() {
        RestSchemaRegistryClient client = RestSchemaRegistryClient.builder(registry.url()).cacheCapacity(1).retries(0).build();
        int first = registry.backing().register("a-value", PING);
        int second = registry.backing().register("b-value", TestSchemas.v1("Pong"));

        client.getById(first);
        client.getById(second);
        client.getById(first);

        assertThat(registry.requests()).hasSize(3);
    }

    @Test
    void compatibilityIsSetReadAndTested() {
        RestSchemaRegistryClient client = client(0, 1);
        client.register("compat-value", PING);
        client.setCompatibility("compat-value", "full");

        assertThat(client.getCompatibility("compat-value")).isEqualTo(Compatibility.FULL);
        assertThat(client.getCompatibility(null)).isEqualTo(Compatibility.BACKWARD);
        assertThat(client.testCompatibility("compat-value", TestSchemas.withOptionalField("Ping"))).isTrue();
        assertThat(client.testCompatibility("compat-value", TestSchemas.withRequiredField("Ping"))).isFalse();
        assertThat(client.testCompatibility("no-versions-yet-value", TestSchemas.withRequiredField("Ping"))).isTrue();
    }

    @Test
    void aWrongPathIsNotMistakenForASubjectWithoutVersions() {
        registry.enqueue(404, "<html>Not Found</html>");

        assertThatThrownBy(() -> client(0, 1).testCompatibility("typo-value", PING))
                .isInstanceOf(SchemaRegistryException.class).hasMessageContaining("HTTP 404");
    }

    @Test
    void apicurioVersionNotFoundForANewSubjectMeansCompatible() {
        registry.enqueue(404, "{\"error_code\":40402,\"message\":\"No version 'latest' found for artifact\"}");

        assertThat(client(0, 1).testCompatibility("new-value", PING)).isTrue();
    }

    @Test
    void acceptsEitherFieldNameForTheCompatibilityLevel() {
        // Confluent answers PUT /config with "compatibility", Apicurio's ccompat API with "compatibilityLevel".
        registry.enqueue(200, "{\"compatibilityLevel\":\"BACKWARD\"}");
        RestSchemaRegistryClient client = client(0, 1);
        client.setCompatibility("apicurio-style-value", "BACKWARD");
        registry.enqueue(200, "{\"compatibility\":\"FORWARD\"}");

        assertThat(client.getCompatibility("apicurio-style-value")).isEqualTo("FORWARD");
    }

    @Test
    void setCompatibilityRejectsAnUnconfirmedLevel() {
        registry.enqueue(200, "{\"compatibility\":\"NONE\"}");

        assertThatThrownBy(() -> client(0, 1).setCompatibility("drift-value", "BACKWARD"))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("'drift-value'").hasMessageContaining("NONE instead of BACKWARD");
    }

    @Test
    void deleteSubjectReturnsItsVersionsAndForgetsCachedRegistrations() {
        RestSchemaRegistryClient client = client(0, 1);
        client.register("gone-value", PING);

        assertThat(client.deleteSubject("gone-value")).containsExactly(1);
        client.register("gone-value", PING);
        assertThat(registry.requests("POST", "/subjects/gone-value/versions")).hasSize(2);
    }

    @Test
    void subjectsAreEscapedInPaths() {
        RestSchemaRegistryClient client = client(0, 1);
        client.register("odd subject/with?chars-value", PING);

        assertThat(registry.requests().get(0).path()).isEqualTo("/subjects/odd%20subject%2Fwith%3Fchars-value/versions");
        assertThat(registry.backing().subjects()).containsExactly("odd subject/with?chars-value");
    }

    @Test
    void rejectsUrlsThatAreNotHttp() {
        assertThatThrownBy(() -> RestSchemaRegistryClient.builder("ftp://registry:21").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ftp://registry:21");
    }

    private static String basic(String userInfo) {
        return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Checks every POST carried the registry's content type. */
    private static final class RecordedRequestAssert {
        static void contentTypeOfPosts(FakeSchemaRegistry registry) {
            assertThat(registry.requests()).filteredOn(r -> r.method().equals("POST"))
                    .isNotEmpty()
                    .allSatisfy(r -> assertThat(r.contentType()).isEqualTo(RestSchemaRegistryClient.CONTENT_TYPE));
        }
    }
}
