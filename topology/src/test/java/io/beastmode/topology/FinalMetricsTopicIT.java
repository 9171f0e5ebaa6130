package io.beastmode.topology;

import io.beastmode.stack.BeastTestStack;
import io.beastmode.topology.config.PipelineConfig;
import io.beastmode.topology.config.PipelineTopics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The pipeline creates the insight app's one-partition input topic when a deployment does not have it yet. */
class FinalMetricsTopicIT {

    @Test
    void aMissingFinalMetricsTopicIsCreatedWithOnePartitionAndAppendTimeOnce() throws Exception {
        String bootstrap = BeastTestStack.bootstrapServers();
        PipelineTopics topics = PipelineTopics.prefixed("final-" + UUID.randomUUID().toString().substring(0, 8) + ".");
        PipelineConfig config = PipelineConfig.builder().bootstrapServers(bootstrap)
                .schemaRegistryUrl(BeastTestStack.registryUrl()).topics(topics).build();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            assertThat(admin.listTopics().names().get()).doesNotContain(topics.finalMetrics());
            BeastPipeline.ensureFinalMetricsTopic(config);
            BeastPipeline.ensureFinalMetricsTopic(config); // present now: nothing to do, no error
            assertThat(admin.describeTopics(List.of(topics.finalMetrics())).allTopicNames().get()
                    .get(topics.finalMetrics()).partitions()).hasSize(1);
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topics.finalMetrics());
            Config c = admin.describeConfigs(List.of(r)).all().get().get(r);
            assertThat(c.get("message.timestamp.type").value()).isEqualTo("LogAppendTime");
            assertThat(c.get("retention.ms").value()).isEqualTo("86400000");
        }
    }
}
