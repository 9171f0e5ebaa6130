package io.beastmode.clients;

import io.beastmode.schemas.Topics;
import io.beastmode.schemas.Topics.TopicSpec;
import io.beastmode.stack.BeastTestStack;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class TopicAdminIT {

    private static List<TopicSpec> prefixed(String prefix, int partitions) {
        return Topics.all(partitions).stream()
                .map(s -> new TopicSpec(prefix + s.name(), s.valueType(), s.keyDescription(), s.partitions(), s.configs()))
                .toList();
    }

    @Test
    void createsTheContractTopicsOnceWithTheirConfigs() throws Exception {
        String prefix = "ta-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        List<TopicSpec> specs = prefixed(prefix, 2);
        List<String> names = specs.stream().map(TopicSpec::name).toList();
        try (TopicAdmin topics = TopicAdmin.connect(BeastTestStack.bootstrapServers());
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, BeastTestStack.bootstrapServers()))) {
            TopicAdmin.EnsureReport first = topics.ensureTopics(specs);
            assertThat(first.created()).containsExactlyInAnyOrderElementsOf(names);
            assertThat(first.existing()).isEmpty();

            TopicAdmin.EnsureReport second = topics.ensureTopics(specs);
            assertThat(second.created()).isEmpty();
            assertThat(second.existing()).containsExactlyInAnyOrderElementsOf(names);
            assertThat(second.configDrifts()).isEmpty();
            assertThat(second.partitionDrifts()).isEmpty();
            assertThat(second.changedAnything()).isFalse();

            Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get();
            assertThat(specs).allSatisfy(spec -> {
                TopicDescription d = described.get(spec.name());
                // 2 as asked, except the final-metrics topic, which the contract gives one partition
                assertThat(d.partitions()).hasSize(spec.name().endsWith(Topics.FINAL_METRICS) ? 1 : 2);
                assertThat(d.partitions().get(0).replicas()).hasSize(1); // one broker: rf capped at 1
            });

            // The broker's own view of the configs, not ours.
            String proposals = prefix + Topics.PROPOSALS;
            Map<String, Map<String, String>> configs = topics.describeConfigs(List.of(proposals, prefix + Topics.REQUESTS));
            assertThat(configs.get(proposals)).containsEntry("cleanup.policy", "compact").containsEntry("min.cleanable.dirty.ratio", "0.1");
            assertThat(configs.get(prefix + Topics.REQUESTS)).containsEntry("cleanup.policy", "delete").containsEntry("retention.ms", "604800000");

            // Someone flips the proposals topic to delete: reported and put back.
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, proposals);
            admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(new ConfigEntry("cleanup.policy", "delete"),
                    AlterConfigOp.OpType.SET)))).all().get();
            long deadline = System.currentTimeMillis() + 10_000; // config changes reach the broker through metadata
            while (!"delete".equals(topics.describeConfigs(List.of(proposals)).get(proposals).get("cleanup.policy"))
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            TopicAdmin.EnsureReport drifted = topics.ensureTopics(specs);
            assertThat(drifted.created()).isEmpty();
            assertThat(drifted.configDrifts()).containsExactly(new TopicAdmin.ConfigDrift(proposals, "cleanup.policy", "compact", "delete"));
            assertThat(drifted.driftsAltered()).isTrue();
            assertThat(topics.describeConfigs(List.of(proposals)).get(proposals)).containsEntry("cleanup.policy", "compact");

            // A spec asking for more partitions than exist is reported, never applied.
            List<TopicSpec> more = prefixed(prefix, 4);
            TopicAdmin.EnsureReport partitions = topics.ensureTopics(more);
            assertThat(partitions.partitionDrifts()).hasSize(names.size() - 1)
                    .allSatisfy(p -> assertThat(p.actual()).isEqualTo(2));

            assertThat(topics.deleteTopics(names)).containsExactlyInAnyOrderElementsOf(names);
            assertThat(topics.deleteTopics(names)).isEmpty();
        }
    }

    @Test
    void realContractTopicsAreIdempotent() {
        try (TopicAdmin topics = TopicAdmin.connect(BeastTestStack.bootstrapServers())) {
            topics.ensureTopics(Topics.all());
            TopicAdmin.EnsureReport again = topics.ensureTopics(Topics.all());
            assertThat(again.created()).isEmpty();
            assertThat(again.existing()).hasSize(Topics.all().size());
            assertThat(topics.describeConfigs(List.of(Topics.PROPOSALS)).get(Topics.PROPOSALS)).containsEntry("cleanup.policy", "compact");
        }
    }
}
