package io.beastmode.registry;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Locale;
import java.util.Map;

import static io.beastmode.registry.RegistryClientConfig.*;

/** Builds a {@link SchemaRegistryClient} from the Confluent-style configuration keys of {@link RegistryClientConfig}. */
public final class SchemaRegistryClients {

    private SchemaRegistryClients() {
    }

    /**
     * {@code mock://<scope>} gives the JVM-wide {@link InMemorySchemaRegistryClient} of that scope; anything else a
     * {@link RestSchemaRegistryClient} with the configured retries, timeouts, caches, basic auth and TLS.
     */
    public static SchemaRegistryClient create(Map<String, ?> configs) {
        String urls = string(configs, URL, null);
        if (urls == null) {
            throw new IllegalArgumentException(URL + " is required (http(s)://host:port[/path] or mock://<scope>)");
        }
        if (urls.startsWith(MOCK_SCHEME)) {
            // Closing an in-memory client is a no-op, so one user closing it never empties the scope for the others.
            return InMemorySchemaRegistryClient.forScope(urls.substring(MOCK_SCHEME.length()));
        }
        RestSchemaRegistryClient.Builder builder = RestSchemaRegistryClient.builder(urls)
                .retries(Math.toIntExact(number(configs, RETRIES, DEFAULT_RETRIES)))
                .retryBackoff(millis(configs, RETRY_BACKOFF_MS, DEFAULT_RETRY_BACKOFF_MS))
                .timeout(millis(configs, TIMEOUT_MS, DEFAULT_TIMEOUT_MS))
                .cacheCapacity(Math.toIntExact(number(configs, CACHE_CAPACITY, DEFAULT_CACHE_CAPACITY)));
        String source = string(configs, BASIC_AUTH_CREDENTIALS_SOURCE, null);
        String userInfo = string(configs, BASIC_AUTH_USER_INFO, string(configs, "schema.registry." + BASIC_AUTH_USER_INFO, null));
        if (source != null && !source.equalsIgnoreCase(CREDENTIALS_SOURCE_URL) && !source.equalsIgnoreCase(CREDENTIALS_SOURCE_USER_INFO)) {
            throw new IllegalArgumentException(BASIC_AUTH_CREDENTIALS_SOURCE + " must be " + CREDENTIALS_SOURCE_USER_INFO
                    + " or " + CREDENTIALS_SOURCE_URL + ", got '" + source + "'");
        }
        boolean fromUserInfo = source == null ? userInfo != null : source.equalsIgnoreCase(CREDENTIALS_SOURCE_USER_INFO);
        if (fromUserInfo) {
            if (userInfo == null) {
                throw new IllegalArgumentException(BASIC_AUTH_CREDENTIALS_SOURCE + "=USER_INFO needs " + BASIC_AUTH_USER_INFO + "=user:password");
            }
            builder.basicAuth(userInfo);
        }
        SSLContext ssl = sslContext(configs);
        if (ssl != null) {
            builder.sslContext(ssl);
        }
        return builder.build();
    }

    /** An SSLContext from the truststore/keystore keys, or null when neither is configured (JDK defaults apply). */
    public static SSLContext sslContext(Map<String, ?> configs) {
        String truststore = string(configs, SSL_TRUSTSTORE_LOCATION, null);
        String keystore = string(configs, SSL_KEYSTORE_LOCATION, null);
        if (truststore == null && keystore == null) {
            return null;
        }
        try {
            TrustManagerFactory trust = null;
            if (truststore != null) {
                trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(load(truststore, string(configs, SSL_TRUSTSTORE_PASSWORD, null), string(configs, SSL_TRUSTSTORE_TYPE, null)));
            }
            KeyManagerFactory keys = null;
            if (keystore != null) {
                String password = string(configs, SSL_KEYSTORE_PASSWORD, null);
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(load(keystore, password, string(configs, SSL_KEYSTORE_TYPE, null)),
                        password == null ? new char[0] : password.toCharArray());
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("could not set up TLS for the schema registry from "
                    + (truststore != null ? "truststore " + truststore : "") + (keystore != null ? " keystore " + keystore : "")
                    + ": " + e.getMessage(), e);
        }
    }

    private static KeyStore load(String location, String password, String type) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance(type == null ? "PKCS12" : type.toUpperCase(Locale.ROOT));
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            store.load(in, password == null ? null : password.toCharArray());
        }
        return store;
    }
}
