package io.beastmode.cli;

import io.beastmode.registry.RegisteredSchema;
import io.beastmode.registry.SchemaRegistryClient;
import io.beastmode.registry.SchemaRegistryClients;
import io.beastmode.registry.SchemaRegistryException;
import io.beastmode.serde.BeastSerdeConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** {@code beast describe TOPIC}: what an operator wants to know about one topic, in one place. */
@Command(name = "describe", description = {"Describe a topic: partitions (leader, replicas, in-sync replicas), "
        + "configs that differ from the broker defaults, the value subject <topic>-value and its latest schema, "
        + "the message count (end - beginning offsets) and the lag of every consumer group that reads it."})
public final class DescribeCommand implements Callable<Integer> {

    @CommandLine.Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Parameters(index = "0", paramLabel = "TOPIC", description = "The topic to describe.")
    String topic;

    @Option(names = "--schema", description = "Also print the latest value schema itself.")
    boolean schema;

    @Option(names = "--json", description = "Print one JSON document instead of the tables.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> d = describe();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            if (!schema && d.get("schema") instanceof Map<?, ?> s) {
                ((Map<?, ?>) s).remove("schema");
            }
            out.println(Json.write(d));
        } else {
            render(d, out);
        }
        out.flush();
        return ExitCodes.OK;
    }

    @SuppressWarnings("unchecked")
    private void render(Map<String, Object> d, PrintWriter out) {
        out.println("Topic: " + d.get("topic") + "   Partitions: " + d.get("partitions")
                + "   Replication: " + d.get("replicationFactor") + "   Messages: " + d.get("messages"));
        out.println();
        Table p = new Table("Partition", "Leader", "Replicas", "ISR", "Begin", "End", "Messages");
        for (Map<String, Object> row : (List<Map<String, Object>>) d.get("partitionDetails")) {
            p.row(row.get("partition"), row.get("leader"), row.get("replicas"), row.get("isr"), row.get("beginOffset"),
                    row.get("endOffset"), row.get("messages"));
        }
        out.print(p.render());
        out.println();
        Map<String, String> configs = (Map<String, String>) d.get("configs");
        Table c = new Table("Config (non-default)", "Value");
        configs.forEach(c::row);
        out.print(configs.isEmpty() ? "Configs: all broker defaults\n" : c.render());
        out.println();
        Map<String, Object> s = (Map<String, Object>) d.get("schema");
        if (s.containsKey("error")) {
            out.println("Schema subject: " + s.get("subject") + " (" + s.get("error") + ")");
        } else {
            out.println("Schema subject: " + s.get("subject") + "   id: " + s.get("id") + "   version: "
                    + s.get("version") + "   type: " + s.get("name"));
            if (schema) {
                out.println(s.get("schema"));
            }
        }
        out.println();
        List<Map<String, Object>> groups = (List<Map<String, Object>>) d.get("consumerGroups");
        if (groups.isEmpty()) {
            out.println("Consumer groups: none has committed offsets on this topic");
        } else {
            Table g = new Table("Consumer Group", "Committed", "Lag");
            groups.forEach(row -> g.row(row.get("group"), row.get("committed"), row.get("lag")));
            out.print(g.render());
        }
    }

    Map<String, Object> describe() throws Exception {
        Map<String, Object> props = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        Map<String, Object> d = new LinkedHashMap<>();
        try (Admin admin = Admin.create(props)) {
            TopicDescription td;
            try {
                td = admin.describeTopics(List.of(topic)).allTopicNames().get(20, TimeUnit.SECONDS).get(topic);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    throw new IllegalArgumentException("topic '" + topic + "' does not exist (see `beast topics`)");
                }
                throw e;
            } catch (java.util.concurrent.TimeoutException e) {
                throw new NotReadyException("no Kafka broker answers at " + cluster.bootstrapServers());
            }
            List<TopicPartition> tps = td.partitions().stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> begin = admin.listOffsets(
                    tps.stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.earliest()))).all().get();
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end = admin.listOffsets(
                    tps.stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()))).all().get();
            d.put("topic", topic);
            d.put("partitions", td.partitions().size());
            d.put("replicationFactor", td.partitions().isEmpty() ? 0 : td.partitions().get(0).replicas().size());
            List<Map<String, Object>> parts = new ArrayList<>();
            long total = 0;
            for (TopicPartitionInfo p : td.partitions()) {
                TopicPartition tp = new TopicPartition(topic, p.partition());
                long b = begin.get(tp).offset();
                long e = end.get(tp).offset();
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("partition", p.partition());
                row.put("leader", p.leader() == null ? -1 : p.leader().id());
                row.put("replicas", ids(p.replicas()));
                row.put("isr", ids(p.isr()));
                row.put("beginOffset", b);
                row.put("endOffset", e);
                // end - begin counts offsets, which transaction markers also take: an upper bound under EOS.
                row.put("messages", e - b);
                total += e - b;
                parts.add(row);
            }
            d.put("messages", total);
            d.put("partitionDetails", parts);
            d.put("configs", configs(admin));
            d.put("schema", schemaOf());
            d.put("consumerGroups", lag(admin, tps, end));
        }
        return d;
    }

    private static String ids(List<Node> nodes) {
        return nodes.stream().map(n -> String.valueOf(n.id())).collect(Collectors.joining(","));
    }

    private Map<String, String> configs(Admin admin) throws Exception {
        ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Map<String, String> m = new TreeMap<>();
        for (ConfigEntry e : admin.describeConfigs(List.of(res)).all().get().get(res).entries()) {
            if (e.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG) {
                m.put(e.name(), e.isSensitive() ? "<sensitive>" : e.value());
            }
        }
        return m;
    }

    private Map<String, Object> schemaOf() {
        String subject = topic + "-value";
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("subject", subject);
        try (SchemaRegistryClient client = SchemaRegistryClients.create(
                Map.of(BeastSerdeConfig.SCHEMA_REGISTRY_URL, cluster.schemaRegistryUrl()))) {
            RegisteredSchema latest = client.getLatest(subject);
            s.put("id", latest.id());
            s.put("version", latest.version());
            s.put("name", latest.schema().getFullName());
            s.put("schema", Json.MAPPER.readTree(latest.schema().toString()));
        } catch (SchemaRegistryException e) {
            s.put("error", e.isNotFound() ? "not registered" : e.getMessage());
        } catch (java.io.IOException e) {
            s.put("error", e.getMessage());
        }
        return s;
    }

    /** Lag per group with committed offsets on this topic: end offset - committed, summed over partitions. */
    private List<Map<String, Object>> lag(Admin admin, List<TopicPartition> tps,
                                          Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end)
            throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        List<String> groups = new ArrayList<>();
        for (ConsumerGroupListing g : admin.listConsumerGroups().all().get(20, TimeUnit.SECONDS)) {
            groups.add(g.groupId());
        }
        groups.sort(null);
        for (String group : groups) {
            Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>(
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(20, TimeUnit.SECONDS));
            committed.keySet().retainAll(tps);
            committed.values().removeIf(java.util.Objects::isNull);
            if (committed.isEmpty()) {
                continue;
            }
            long lag = 0;
            long sum = 0;
            for (var e : committed.entrySet()) {
                sum += e.getValue().offset();
                lag += Math.max(0, end.get(e.getKey()).offset() - e.getValue().offset());
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("group", group);
            row.put("committed", sum);
            row.put("lag", lag);
            out.add(row);
        }
        return out;
    }
}
