package io.beastmode.registry;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The TLS settings reach the HTTP client: a registry with a self-signed certificate is trusted only via the truststore. */
class RegistryTlsTest {
    private static final String PASSWORD = "changeit";

    @TempDir
    Path dir;
    private Path keystore;
    private HttpsServer server;

    @BeforeEach
    void startHttpsRegistry() throws Exception {
        keystore = dir.resolve("registry.p12");
        keytool("-genkeypair", "-alias", "registry", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
        SSLContext serverContext = SchemaRegistryClients.sslContext(Map.of(
                RegistryClientConfig.SSL_KEYSTORE_LOCATION, keystore.toString(),
                RegistryClientConfig.SSL_KEYSTORE_PASSWORD, PASSWORD));
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverContext));
        server.createContext("/subjects", exchange -> {
            byte[] body = "[\"over-tls-value\"]".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private Map<String, Object> configs() {
        Map<String, Object> configs = new HashMap<>();
        configs.put(RegistryClientConfig.URL, "https://127.0.0.1:" + server.getAddress().getPort());
        configs.put(RegistryClientConfig.RETRIES, 0);
        return configs;
    }

    @Test
    void trustsTheRegistryCertificateFromTheConfiguredTruststore() {
        Map<String, Object> configs = configs();
        configs.put(RegistryClientConfig.SSL_TRUSTSTORE_LOCATION, keystore.toString());
        configs.put(RegistryClientConfig.SSL_TRUSTSTORE_PASSWORD, PASSWORD);
        configs.put(RegistryClientConfig.SSL_TRUSTSTORE_TYPE, "pkcs12");

        assertThat(SchemaRegistryClients.create(configs).subjects()).containsExactly("over-tls-value");
    }

    @Test
    void withoutTheTruststoreTheSelfSignedRegistryIsRefused() {
        assertThatThrownBy(() -> SchemaRegistryClients.create(configs()).subjects())
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.httpStatus()).isEqualTo(SchemaRegistryException.NO_RESPONSE))
                .hasMessageContaining("SSLHandshakeException");
    }

    @Test
    void aWrongTruststorePasswordNamesTheFile() {
        Map<String, Object> configs = configs();
        configs.put(RegistryClientConfig.SSL_TRUSTSTORE_LOCATION, keystore.toString());
        configs.put(RegistryClientConfig.SSL_TRUSTSTORE_PASSWORD, "wrong");

        assertThatThrownBy(() -> SchemaRegistryClients.create(configs))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(keystore.toString());
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        String[] command = new String[args.length + 1];
        command[0] = Paths.get(System.getProperty("java.home"), "bin", "keytool").toString();
        System.arraycopy(args, 0, command, 1, args.length);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
    }
}
