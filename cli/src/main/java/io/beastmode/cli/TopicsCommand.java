package io.beastmode.cli;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code beast topics}: ksqlDB's SHOW TOPICS; {@code beast topics create}: the contract topics as code. */
@Command(name = "topics",
        description = {"List topics like ksqlDB's SHOW TOPICS (Kafka Topic | Partitions | Partition Replicas)."},
        subcommands = {TopicsCommand.Create.class, DescribeCommand.class})
public final class TopicsCommand implements Callable<Integer> {

    @CommandLine.Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Option(names = "--all", description = "Include internal topics (__consumer_offsets, Streams changelogs...).")
    boolean all;

    @Option(names = "--json", description = "Print a JSON array instead of the table.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Map<String, Object> props = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        Map<String, TopicDescription> topics;
        try (Admin admin = Admin.create(props)) {
            var names = admin.listTopics(new ListTopicsOptions().listInternal(all)).names().get(20, TimeUnit.SECONDS);
            topics = new TreeMap<>(admin.describeTopics(names).allTopicNames().get(20, TimeUnit.SECONDS));
        } catch (java.util.concurrent.TimeoutException e) {
            throw new NotReadyException("no Kafka broker answers at " + cluster.bootstrapServers() + " (start one with `beast stack up`)");
        }
        if (!all) {
            // Kafka Streams' own changelog and repartition topics are internal to us, as in ksqlDB.
            topics.keySet().removeIf(n -> n.startsWith("_") || n.endsWith("-changelog") || n.endsWith("-repartition"));
        }
        if (json) {
            List<Map<String, Object>> rows = new ArrayList<>();
            topics.forEach((name, d) -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", name);
                m.put("partitions", d.partitions().size());
                m.put("replicas", d.partitions().isEmpty() ? 0 : d.partitions().get(0).replicas().size());
                rows.add(m);
            });
            out.println(Json.write(rows));
        } else {
            Table t = new Table("Kafka Topic", "Partitions", "Partition Replicas");
            topics.forEach((name, d) -> t.row(name, d.partitions().size(),
                    d.partitions().isEmpty() ? 0 : d.partitions().get(0).replicas().size()));
            out.print(t.render());
        }
        out.flush();
        return ExitCodes.OK;
    }

    @Command(name = "create", description = "Create the contract topics (partitions, replication, configs such as "
            + "compaction for proposals; idempotent, drifted configs are set back) and register their value subjects "
            + "with BACKWARD compatibility.")
    static final class Create implements Callable<Integer> {
        @CommandLine.Mixin
        ClusterOptions cluster = new ClusterOptions();

        @Option(names = "--partitions", defaultValue = "3", description = "Partitions of each new topic (default: ${DEFAULT-VALUE}).")
        int partitions;

        @Option(names = "--replication-factor", defaultValue = "0",
                description = "Replication factor of new topics; 0 = min(3, brokers) (default: ${DEFAULT-VALUE}).")
        int replicationFactor;

        @Option(names = "--json", description = "Print what was done as JSON.")
        boolean json;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Provisioning.Report report = Provisioning.provision(cluster.bootstrapServers(), cluster.schemaRegistryUrl(),
                    io.beastmode.schemas.Topics.all(partitions), replicationFactor);
            if (json) {
                out.println(Json.write(report.asMap()));
            } else {
                report.lines().forEach(out::println);
            }
            out.flush();
            return ExitCodes.OK;
        }
    }
}
