package io.beastmode.serde;

import io.beastmode.registry.RegistryClientConfig;

/**
 * Every configuration key of the serde, with the Confluent names so existing Kafka client configs work unchanged.
 * The registry keys are those of {@link RegistryClientConfig}.
 */
public final class BeastSerdeConfig {
    public static final String SCHEMA_REGISTRY_URL = RegistryClientConfig.URL;
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = RegistryClientConfig.BASIC_AUTH_CREDENTIALS_SOURCE;
    public static final String BASIC_AUTH_USER_INFO = RegistryClientConfig.BASIC_AUTH_USER_INFO;
    /** Register the record's schema when serializing (default true); otherwise look it up. */
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    /** With auto-register off: write with the subject's latest schema instead of the record's own (default false). */
    public static final String USE_LATEST_VERSION = "use.latest.version";
    /** Deserialize into generated classes (default true when a target class is given, else false). */
    public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";
    public static final String SSL_TRUSTSTORE_LOCATION = RegistryClientConfig.SSL_TRUSTSTORE_LOCATION;
    public static final String SSL_TRUSTSTORE_PASSWORD = RegistryClientConfig.SSL_TRUSTSTORE_PASSWORD;
    public static final String SSL_TRUSTSTORE_TYPE = RegistryClientConfig.SSL_TRUSTSTORE_TYPE;
    public static final String SSL_KEYSTORE_LOCATION = RegistryClientConfig.SSL_KEYSTORE_LOCATION;
    public static final String SSL_KEYSTORE_PASSWORD = RegistryClientConfig.SSL_KEYSTORE_PASSWORD;
    public static final String SSL_KEYSTORE_TYPE = RegistryClientConfig.SSL_KEYSTORE_TYPE;
    public static final String RETRIES = RegistryClientConfig.RETRIES;
    public static final String RETRY_BACKOFF_MS = RegistryClientConfig.RETRY_BACKOFF_MS;
    public static final String TIMEOUT_MS = RegistryClientConfig.TIMEOUT_MS;
    public static final String CACHE_CAPACITY = RegistryClientConfig.CACHE_CAPACITY;

    public static final boolean DEFAULT_AUTO_REGISTER_SCHEMAS = true;
    public static final boolean DEFAULT_USE_LATEST_VERSION = false;
    public static final int DEFAULT_RETRIES = RegistryClientConfig.DEFAULT_RETRIES;
    public static final long DEFAULT_RETRY_BACKOFF_MS = RegistryClientConfig.DEFAULT_RETRY_BACKOFF_MS;
    public static final long DEFAULT_TIMEOUT_MS = RegistryClientConfig.DEFAULT_TIMEOUT_MS;
    public static final int DEFAULT_CACHE_CAPACITY = RegistryClientConfig.DEFAULT_CACHE_CAPACITY;

    private BeastSerdeConfig() {
    }
}
