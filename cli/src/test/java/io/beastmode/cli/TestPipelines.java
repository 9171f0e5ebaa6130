package io.beastmode.cli;

import io.beastmode.stack.BeastTestStack;
import io.beastmode.topology.config.PipelineConfig;
import io.beastmode.topology.config.PipelineTopics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.streams.StreamsConfig;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A pipeline of its own for an IT: prefixed topics on the shared test stack, a free HTTP port, fast commits. */
final class TestPipelines {
    private TestPipelines() {
    }

    static PipelineConfig config(String prefix) throws Exception {
        String bootstrap = BeastTestStack.bootstrapServers();
        PipelineTopics topics = PipelineTopics.prefixed(prefix);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<NewTopic> all = new ArrayList<>();
            topics.inputs().forEach(t -> all.add(new NewTopic(t, 3, (short) 1)));
            topics.outputs().forEach(t -> all.add(new NewTopic(t, 3, (short) 1)));
            admin.createTopics(all).all().get();
        }
        return PipelineConfig.builder().bootstrapServers(bootstrap).schemaRegistryUrl(BeastTestStack.registryUrl())
                .applicationId(prefix + "pipeline").topics(topics).stateDir(Files.createTempDirectory("beast-it"))
                .commitInterval(Duration.ofMillis(100)).processingGuarantee(StreamsConfig.AT_LEAST_ONCE)
                // Three input partitions are read in no fixed order: allow for that disorder, as the topology ITs do.
                .grace(Duration.ofMinutes(5)).httpPort(0)
                // Closed windows are emitted on the next record, not after a wall-clock second with no records left.
                .extraStreamsProp(StreamsConfig.InternalConfig.EMIT_INTERVAL_MS_KSTREAMS_WINDOWED_AGGREGATION, "0")
                .build();
    }
}
