package io.beastmode.registry;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SchemaRegistryClientsTest {

    @Test
    void httpUrlsGiveARestClientWithEveryBaseUrl() {
        SchemaRegistryClient client = SchemaRegistryClients.create(Map.of(
                RegistryClientConfig.URL, "http://a:8081/apis/ccompat/v7/, http://b:8081",
                RegistryClientConfig.RETRIES, "5", RegistryClientConfig.TIMEOUT_MS, 2000));

        assertThat(client).isInstanceOf(RestSchemaRegistryClient.class);
        assertThat(((RestSchemaRegistryClient) client).baseUrls()).hasToString("[http://a:8081/apis/ccompat/v7, http://b:8081]");
    }

    @Test
    void missingUrlIsAConfigurationError() {
        assertThatThrownBy(() -> SchemaRegistryClients.create(Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(RegistryClientConfig.URL);
    }

    @Test
    void userInfoSourceWithoutUserInfoIsAConfigurationError() {
        assertThatThrownBy(() -> SchemaRegistryClients.create(Map.of(RegistryClientConfig.URL, "http://a:1",
                RegistryClientConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(RegistryClientConfig.BASIC_AUTH_USER_INFO);
    }

    @Test
    void badNumbersNameTheKey() {
        assertThatThrownBy(() -> SchemaRegistryClients.create(Map.of(RegistryClientConfig.URL, "http://a:1",
                RegistryClientConfig.RETRIES, "three")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(RegistryClientConfig.RETRIES);
    }

    @Test
    void missingTruststoreNamesTheFile() {
        assertThatThrownBy(() -> SchemaRegistryClients.create(Map.of(RegistryClientConfig.URL, "https://a:1",
                RegistryClientConfig.SSL_TRUSTSTORE_LOCATION, "/nonexistent/truststore.p12")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/nonexistent/truststore.p12");
    }

    @Test
    void noTlsKeysMeansJdkDefaults() {
        assertThat(SchemaRegistryClients.sslContext(Map.of())).isNull();
    }
}
