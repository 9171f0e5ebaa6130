package io.beastmode.registry;

import java.time.Duration;
import java.util.Map;

/**
 * The registry client's configuration keys (the Confluent names, so existing client configs work unchanged) and
 * typed readers for them. {@code io.beastmode.serde.BeastSerdeConfig} re-exports these keys next to the serde ones.
 */
public final class RegistryClientConfig {
    /** One or more base URLs, comma-separated (tried in turn on failure), or {@code mock://<scope>}. */
    public static final String URL = "schema.registry.url";
    /** {@code USER_INFO} (take {@link #BASIC_AUTH_USER_INFO}) or {@code URL} (take the URL's user:password). */
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    /** {@code user:password} for HTTP basic auth. */
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    public static final String SSL_TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";
    public static final String SSL_TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
    public static final String SSL_TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";
    public static final String SSL_KEYSTORE_LOCATION = "schema.registry.ssl.keystore.location";
    public static final String SSL_KEYSTORE_PASSWORD = "schema.registry.ssl.keystore.password";
    public static final String SSL_KEYSTORE_TYPE = "schema.registry.ssl.keystore.type";
    /** Retries after the first attempt on IO errors and 5xx/429 answers. */
    public static final String RETRIES = "schema.registry.retries";
    /** First backoff between retries; doubles on each further retry. */
    public static final String RETRY_BACKOFF_MS = "schema.registry.retry.backoff.ms";
    /** Connect and per-request timeout. */
    public static final String TIMEOUT_MS = "schema.registry.timeout.ms";
    /** Entries kept in each of the id->schema and (subject, schema)->id caches. */
    public static final String CACHE_CAPACITY = "schema.registry.cache.capacity";

    public static final String CREDENTIALS_SOURCE_USER_INFO = "USER_INFO";
    public static final String CREDENTIALS_SOURCE_URL = "URL";
    public static final String MOCK_SCHEME = "mock://";

    public static final int DEFAULT_RETRIES = 3;
    public static final long DEFAULT_RETRY_BACKOFF_MS = 100;
    public static final long DEFAULT_TIMEOUT_MS = 10_000;
    public static final int DEFAULT_CACHE_CAPACITY = 1000;

    private RegistryClientConfig() {
    }

    /** The value of {@code key} as a trimmed string, or {@code fallback} when absent or blank. */
    public static String string(Map<String, ?> configs, String key, String fallback) {
        Object value = configs.get(key);
        if (value == null) {
            return fallback;
        }
        String text = value instanceof org.apache.kafka.common.config.types.Password password
                ? password.value() : value.toString();
        text = text.trim();
        return text.isEmpty() ? fallback : text;
    }

    public static boolean bool(Map<String, ?> configs, String key, boolean fallback) {
        Object value = configs.get(key);
        if (value instanceof Boolean b) {
            return b;
        }
        String text = string(configs, key, null);
        if (text == null) {
            return fallback;
        }
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(text);
        }
        throw new IllegalArgumentException(key + " must be true or false, got '" + text + "'");
    }

    public static long number(Map<String, ?> configs, String key, long fallback) {
        Object value = configs.get(key);
        if (value instanceof Number n) {
            return n.longValue();
        }
        String text = string(configs, key, null);
        if (text == null) {
            return fallback;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got '" + text + "'", e);
        }
    }

    public static Duration millis(Map<String, ?> configs, String key, long fallbackMs) {
        return Duration.ofMillis(number(configs, key, fallbackMs));
    }
}
