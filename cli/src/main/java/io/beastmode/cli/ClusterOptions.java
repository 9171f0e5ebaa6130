package io.beastmode.cli;

import io.beastmode.stack.ApicurioRegistry;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Where the Kafka cluster and the schema registry are; shared by every command that talks to them. */
public final class ClusterOptions {

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).",
            defaultValue = "127.0.0.1:9092")
    String bootstrapServers;

    @Option(names = "--schema-registry", paramLabel = "URL",
            description = {"Schema registry speaking the Confluent REST API (default: ${DEFAULT-VALUE}).",
                    "A bare host URL of an Apicurio Registry is completed with " + ApicurioRegistry.CONFLUENT_PATH + "."},
            defaultValue = "http://127.0.0.1:8081")
    String schemaRegistry;

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The registry URL as given, or with Apicurio's Confluent API path when only that one answers. */
    public String schemaRegistryUrl() {
        return resolveRegistryUrl(schemaRegistry);
    }

    /**
     * Confluent, Redpanda and Karapace serve the API at the root; Apicurio at /apis/ccompat/v7. Users type the
     * host URL either way, so a URL without a path is probed once: root first, then Apicurio's path.
     */
    static String resolveRegistryUrl(String url) {
        String trimmed = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        URI uri = URI.create(trimmed);
        if (uri.getPath() != null && !uri.getPath().isEmpty()) {
            return trimmed;
        }
        if (answers(trimmed + "/subjects")) {
            return trimmed;
        }
        if (answers(trimmed + ApicurioRegistry.CONFLUENT_PATH + "/subjects")) {
            return trimmed + ApicurioRegistry.CONFLUENT_PATH;
        }
        throw new NotReadyException("no schema registry answers at " + trimmed + " (tried /subjects and "
                + ApicurioRegistry.CONFLUENT_PATH + "/subjects); start one with `beast stack up`");
    }

    private static boolean answers(String url) {
        try {
            HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()
                    .send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
                            HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && r.body().trim().startsWith("[");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
