package io.beastmode.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.beastmode.analytics.v1.Anomaly;
import io.beastmode.analytics.v1.Dimension;
import io.beastmode.analytics.v1.ExpectedImpact;
import io.beastmode.analytics.v1.Severity;
import io.beastmode.analytics.v1.OptimizationProposal;
import io.beastmode.analytics.v1.ProposalKind;
import io.beastmode.analytics.v1.ProposalStatus;
import io.beastmode.analytics.v1.ProposalTarget;
import io.beastmode.analytics.v1.RolloutPlan;
import io.beastmode.analytics.v1.StatisticalConfidence;
import io.beastmode.analytics.v1.TargetType;
import io.beastmode.clients.TopicAdmin;
import io.beastmode.schemas.Topics;
import io.beastmode.serde.BeastAvroSerializer;
import io.beastmode.serde.BeastSerdeConfig;
import io.beastmode.stack.BeastTestStack;
import io.beastmode.telemetry.v1.RequestEvent;
import io.beastmode.telemetry.v1.RequestStatus;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The inspection commands against the real broker and registry: topics, describe, print (with a poison record in the
 * middle of valid ones) and proposals (two proposals and a tombstone, as the routing layer sees them).
 */
class InspectIT {
    static final long T = 1_764_138_392_150L; // 2025-11-26T06:26:32.150Z
    static String topic;
    static String bootstrap;
    static String registry;

    record Run(int rc, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }
    }

    static Run beast(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = BeastCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(rc, out.toString(), err.toString());
    }

    static RequestEvent request(int i) {
        return request("r-" + i, T + i, 100 + i);
    }

    static RequestEvent request(String id, long eventTime, double latencyMs) {
        return RequestEvent.newBuilder()
                .setEventId("e-" + id).setRequestId(id).setEventTime(eventTime)
                .setTenant("acme").setRequestType("code").setRequestedModel("gpt-4o").setServedModel("gpt-4o")
                .setProvider("test").setStatus(RequestStatus.OK).setErrorClass(null)
                .setLatencyMs(latencyMs).setTimeToFirstTokenMs(null)
                .setInputTokens(100).setOutputTokens(10).setStreaming(false).setGatewayNode("gw-1").build();
    }

    /** One partition, five records: valid, valid, POISON (no wire-format header), valid, valid. */
    @BeforeAll
    static void produce() throws Exception {
        bootstrap = BeastTestStack.bootstrapServers();
        registry = BeastTestStack.registryUrl();
        topic = "inspect-" + UUID.randomUUID().toString().substring(0, 8) + ".requests";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1)
                    .configs(Map.of("retention.ms", "123456789")))).all().get();
        }
        BeastAvroSerializer<RequestEvent> serializer = new BeastAvroSerializer<>();
        serializer.configure(Map.of(BeastSerdeConfig.SCHEMA_REGISTRY_URL, registry), false);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 5; i++) {
                byte[] value = i == 2 ? "POISON".getBytes(StandardCharsets.UTF_8) : serializer.serialize(topic, request(i));
                producer.send(new ProducerRecord<>(topic, 0, T + i, "r-" + i, value)).get();
            }
        }
    }

    @Test
    void topicsListsTheTopic() throws Exception {
        Run r = beast("topics", "--bootstrap-servers", bootstrap, "--json");
        assertThat(r.rc()).as(r.err()).isZero();
        assertThat(r.out()).contains("\"" + topic + "\"");
        // ksqlDB's SHOW TOPICS columns; a Streams changelog (and __consumer_offsets and the like) only with --all.
        String changelog = topic + "-app-store-changelog";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(changelog, 2, (short) 1))).all().get();
        }
        Run table = beast("topics", "--bootstrap-servers", bootstrap);
        assertThat(table.rc()).as(table.err()).isZero();
        assertThat(table.lines().get(0)).matches("Kafka Topic +\\| Partitions \\| Partition Replicas");
        assertThat(table.lines()).anySatisfy(l -> assertThat(l).matches(java.util.regex.Pattern.quote(topic)
                + " +\\| 1 +\\| 1"));
        assertThat(table.out()).doesNotContain(changelog);
        Run all = beast("topics", "--all", "--bootstrap-servers", bootstrap);
        assertThat(all.rc()).as(all.err()).isZero();
        assertThat(all.lines()).anySatisfy(l -> assertThat(l).matches(java.util.regex.Pattern.quote(changelog)
                + " +\\| 2 +\\| 1"));
        assertThat(names(all)).containsAll(names(table));
    }

    private static List<String> names(Run table) {
        return table.lines().stream().skip(2).map(l -> l.substring(0, l.indexOf(" |")).strip()).toList();
    }

    @Test
    void printFromBeginningShowsValidRecordsAroundThePoisonOne() {
        Run r = beast("print", topic, "--from-beginning", "--limit", "5",
                "--bootstrap-servers", bootstrap, "--schema-registry", registry);
        assertThat(r.rc()).as(r.err()).isZero();
        List<String> lines = r.lines();
        assertThat(lines).hasSize(5);
        assertThat(lines.get(0)).startsWith("rowtime: 2025/11/26 06:26:32.150 Z, key: r-0, value: {")
                .contains("\"requestId\": \"r-0\"").endsWith(", partition: 0");
        assertThat(lines.get(2)).isEqualTo("rowtime: 2025/11/26 06:26:32.152 Z, key: r-2, "
                + "value: <Failed to deserialize> (bad-magic-byte), partition: 0");
        assertThat(lines.get(3)).contains("\"requestId\": \"r-3\"");
        assertThat(lines.get(4)).contains("\"requestId\": \"r-4\"");
    }

    @Test
    void printLimitIntervalAndPartition() {
        Run limited = beast("print", topic, "--from-beginning", "--limit", "2",
                "--bootstrap-servers", bootstrap, "--schema-registry", registry);
        assertThat(limited.lines()).hasSize(2);
        assertThat(limited.lines().get(1)).contains("key: r-1,");
        // Every second record: offsets 0, 2 (the poison one), 4.
        Run every2 = beast("print", topic, "--from-beginning", "--interval", "2", "--limit", "3", "--partition", "0",
                "--bootstrap-servers", bootstrap, "--schema-registry", registry);
        assertThat(every2.rc()).as(every2.err()).isZero();
        assertThat(every2.lines()).hasSize(3);
        assertThat(every2.lines().get(0)).contains("key: r-0,");
        assertThat(every2.lines().get(1)).contains("key: r-2,").contains("<Failed to deserialize>");
        assertThat(every2.lines().get(2)).contains("key: r-4,");
        // Without --from-beginning nothing old is printed; the idle timeout ends the wait.
        Run tail = beast("print", topic, "--idle-timeout", "2",
                "--bootstrap-servers", bootstrap, "--schema-registry", registry);
        assertThat(tail.rc()).as(tail.err()).isZero();
        assertThat(tail.out()).isEmpty();
        Run badPartition = beast("print", topic, "--partition", "7", "--limit", "1",
                "--bootstrap-servers", bootstrap, "--schema-registry", registry);
        assertThat(badPartition.rc()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void printJsonIsOneObjectALine() throws Exception {
        Run r = beast("print", topic, "--from-beginning", "--limit", "5", "--json",
                "--bootstrap-servers", bootstrap, "--schema-registry", registry);
        assertThat(r.rc()).as(r.err()).isZero();
        assertThat(r.lines()).hasSize(5);
        JsonNode first = Json.MAPPER.readTree(r.lines().get(0));
        assertThat(first.path("topic").asText()).isEqualTo(topic);
        assertThat(first.path("partition").asInt()).isZero();
        assertThat(first.path("offset").asLong()).isZero();
        assertThat(first.path("timestamp").asLong()).isEqualTo(T);
        assertThat(first.path("key").asText()).isEqualTo("r-0");
        assertThat(first.path("value").path("latencyMs").asDouble()).isEqualTo(100.0);
        JsonNode poison = Json.MAPPER.readTree(r.lines().get(2));
        assertThat(poison.path("value").isNull()).isTrue();
        assertThat(poison.path("error").asText()).isEqualTo("bad-magic-byte");
    }

    @Test
    void describeShowsPartitionsConfigsSchemaCountAndLag() throws Exception {
        String group = "inspect-group-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.alterConsumerGroupOffsets(group, Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(2)))
                    .all().get();
        }
        Run r = beast("describe", topic, "--json", "--schema", "--bootstrap-servers", bootstrap,
                "--schema-registry", registry);
        assertThat(r.rc()).as(r.err()).isZero();
        JsonNode d = Json.MAPPER.readTree(r.out());
        assertThat(d.path("partitions").asInt()).isEqualTo(1);
        assertThat(d.path("messages").asLong()).isEqualTo(5);
        JsonNode p0 = d.path("partitionDetails").get(0);
        assertThat(p0.path("leader").asInt()).isGreaterThanOrEqualTo(0);
        assertThat(p0.path("isr").asText()).isNotEmpty();
        assertThat(d.path("configs").path("retention.ms").asText()).isEqualTo("123456789");
        assertThat(d.path("configs").has("cleanup.policy")).as("defaults are left out").isFalse();
        assertThat(d.path("schema").path("subject").asText()).isEqualTo(topic + "-value");
        assertThat(d.path("schema").path("id").asInt()).isPositive();
        assertThat(d.path("schema").path("version").asInt()).isPositive();
        assertThat(d.path("schema").path("schema").path("name").asText()).isEqualTo("RequestEvent");
        JsonNode lag = null;
        for (JsonNode g : d.path("consumerGroups")) {
            if (g.path("group").asText().equals(group)) {
                lag = g;
            }
        }
        assertThat(lag).as("group " + group + " in " + d.path("consumerGroups")).isNotNull();
        assertThat(lag.path("lag").asLong()).isEqualTo(3);

        // Also reachable as `topics describe`, next to `topics create`.
        Run table = beast("topics", "describe", topic, "--bootstrap-servers", bootstrap, "--schema-registry", registry);
        assertThat(table.rc()).as(table.err()).isZero();
        assertThat(table.out()).contains("Messages: 5").contains("retention.ms").contains(topic + "-value")
                .contains(group);
        Run missing = beast("describe", "no-such-topic-" + UUID.randomUUID(), "--bootstrap-servers", bootstrap,
                "--schema-registry", registry);
        assertThat(missing.rc()).isEqualTo(ExitCodes.FAILURE);
        assertThat(missing.err()).contains("does not exist");
    }

    static OptimizationProposal proposal(String id, String requestType, String toModel) {
        return OptimizationProposal.newBuilder().setProposalId(id).setKind(ProposalKind.REROUTE)
                .setTarget(ProposalTarget.newBuilder().setType(TargetType.REQUEST_TYPE).setKey(requestType).build())
                .setAction("reroute to " + toModel).setParameters(Map.of("toModel", toModel))
                .setStatus(ProposalStatus.OPEN).setEvidence(List.of())
                .setExpectedImpact(ExpectedImpact.newBuilder().setCostDeltaPct(-80.0).build())
                .setConfidence(StatisticalConfidence.newBuilder().setTest("two-proportion-z").setStatistic(2.1)
                        .setPValue(0.02).setConfidenceLevel(0.95).build())
                .setRollout(RolloutPlan.newBuilder().setCanaryShare(0.1).setCanaryDurationMs(600_000).build())
                .setCreatedAt(T).setExpiresAt(T + 3_600_000).setSupersedes(null).build();
    }

    @Test
    void proposalsShowsTheLatestPerKeyAfterUpdatesAndATombstone() throws Exception {
        String proposals = "inspect-" + UUID.randomUUID().toString().substring(0, 8) + "." + Topics.PROPOSALS;
        try (TopicAdmin admin = TopicAdmin.connect(bootstrap)) {
            Topics.TopicSpec spec = Topics.all(3).stream().filter(s -> s.name().equals(Topics.PROPOSALS))
                    .findFirst().orElseThrow();
            admin.ensureTopics(List.of(new Topics.TopicSpec(proposals, spec.valueType(), spec.keyDescription(), 3,
                    spec.configs())));
        }
        BeastAvroSerializer<OptimizationProposal> serializer = new BeastAvroSerializer<>();
        serializer.configure(Map.of(BeastSerdeConfig.SCHEMA_REGISTRY_URL, registry), false);
        try (KafkaProducer<String, OptimizationProposal> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(), serializer)) {
            producer.send(new ProducerRecord<>(proposals, "REQUEST_TYPE:code", proposal("p-1", "code", "mixtral"))).get();
            producer.send(new ProducerRecord<>(proposals, "REQUEST_TYPE:chat", proposal("p-2", "chat", "mixtral"))).get();
            producer.send(new ProducerRecord<>(proposals, "REQUEST_TYPE:code", proposal("p-3", "code", "gpt-3.5"))).get();
            producer.send(new ProducerRecord<>(proposals, "REQUEST_TYPE:chat", null)).get(); // tombstone
        }
        Run r = beast("proposals", "--topic", proposals, "--json", "--bootstrap-servers", bootstrap,
                "--schema-registry", registry);
        assertThat(r.rc()).as(r.err()).isZero();
        JsonNode rows = Json.MAPPER.readTree(r.out());
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).path("key").asText()).isEqualTo("REQUEST_TYPE:code");
        assertThat(rows.get(0).path("proposalId").asText()).isEqualTo("p-3");
        assertThat(rows.get(0).path("parameters").path("toModel").asText()).isEqualTo("gpt-3.5");

        Run table = beast("proposals", "--topic", proposals, "--bootstrap-servers", bootstrap,
                "--schema-registry", registry);
        assertThat(table.rc()).as(table.err()).isZero();
        assertThat(table.out()).contains("REQUEST_TYPE:code").contains("p-3").contains("REROUTE")
                .doesNotContain("p-1").doesNotContain("REQUEST_TYPE:chat").contains("(1 proposal)");
    }

    @Test
    void anomaliesOnAnEmptyTopicPrintsAnEmptyTable() throws Exception {
        String anomalies = "inspect-" + UUID.randomUUID().toString().substring(0, 8) + "." + Topics.ANOMALIES;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(anomalies, 1, (short) 1))).all().get();
        }
        Run r = beast("anomalies", "--topic", anomalies, "--bootstrap-servers", bootstrap,
                "--schema-registry", registry);
        assertThat(r.rc()).as(r.err()).isZero();
        assertThat(r.out()).contains("(0 anomalies)");
    }

    static Anomaly anomaly(String id, String model, long detectedAt, Severity severity) {
        return Anomaly.newBuilder().setAnomalyId(id).setMetric("latency.p95").setDimension(Dimension.MODEL)
                .setDimensionKey(model).setWindowStart(T).setWindowEnd(T + 60_000).setObserved(2400.0)
                .setExpected(800.0).setScore(0.93).setSeverity(severity).setDetector("novelty")
                .setDetectedAt(detectedAt).build();
    }

    @Test
    void anomaliesAreListedByDetectionTimeAndAPoisonRecordIsSkipped() throws Exception {
        String anomalies = "inspect-" + UUID.randomUUID().toString().substring(0, 8) + "." + Topics.ANOMALIES;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(anomalies, 2, (short) 1))).all().get();
        }
        BeastAvroSerializer<Anomaly> serializer = new BeastAvroSerializer<>();
        serializer.configure(Map.of(BeastSerdeConfig.SCHEMA_REGISTRY_URL, registry), false);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(anomalies, 0, "MODEL|gpt-4o|latency.p95",
                    serializer.serialize(anomalies, anomaly("a-2", "gpt-4o", T + 2000, Severity.CRITICAL)))).get();
            producer.send(new ProducerRecord<>(anomalies, 1, "junk", new byte[]{0, 0, 0, 0})).get();
            producer.send(new ProducerRecord<>(anomalies, 1, "MODEL|mixtral|latency.p95",
                    serializer.serialize(anomalies, anomaly("a-1", "mixtral", T + 1000, Severity.WARNING)))).get();
        }
        Run r = beast("anomalies", "--topic", anomalies, "--json", "--bootstrap-servers", bootstrap,
                "--schema-registry", registry);
        assertThat(r.rc()).as(r.err()).isZero();
        assertThat(r.lines()).hasSize(2);
        assertThat(Json.MAPPER.readTree(r.lines().get(0)).path("anomalyId").asText()).isEqualTo("a-1");
        assertThat(Json.MAPPER.readTree(r.lines().get(1)).path("severity").asText()).isEqualTo("CRITICAL");
        assertThat(r.err()).contains("skipped " + anomalies + "-1@0: truncated");
        Run table = beast("anomalies", "--topic", anomalies, "--bootstrap-servers", bootstrap,
                "--schema-registry", registry);
        assertThat(table.out()).contains("latency.p95").contains("mixtral").contains("CRITICAL")
                .contains("(2 anomalies)");
    }

    @Test
    void proposalsFollowPrintsChangesUntilInterrupted() throws Exception {
        String proposals = "inspect-" + UUID.randomUUID().toString().substring(0, 8) + "." + Topics.PROPOSALS;
        try (TopicAdmin admin = TopicAdmin.connect(bootstrap)) {
            Topics.TopicSpec spec = Topics.all(3).stream().filter(s -> s.name().equals(Topics.PROPOSALS))
                    .findFirst().orElseThrow();
            admin.ensureTopics(List.of(new Topics.TopicSpec(proposals, spec.valueType(), spec.keyDescription(), 3,
                    spec.configs())));
        }
        StringWriter out = new StringWriter();
        int[] rc = {-1};
        Thread follower = new Thread(() -> rc[0] = BeastCli.execute(new PrintWriter(out, true),
                new PrintWriter(new StringWriter(), true), "proposals", "--follow", "--topic", proposals,
                "--bootstrap-servers", bootstrap, "--schema-registry", registry));
        follower.start();
        long deadline = System.currentTimeMillis() + 30_000;
        while (!out.toString().contains("(0 proposals)") && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertThat(out.toString()).contains("(0 proposals)");
        BeastAvroSerializer<OptimizationProposal> serializer = new BeastAvroSerializer<>();
        serializer.configure(Map.of(BeastSerdeConfig.SCHEMA_REGISTRY_URL, registry), false);
        try (KafkaProducer<String, OptimizationProposal> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(), serializer)) {
            producer.send(new ProducerRecord<>(proposals, "REQUEST_TYPE:summarize",
                    proposal("p-9", "summarize", "mixtral"))).get();
            producer.send(new ProducerRecord<>(proposals, "REQUEST_TYPE:summarize", null)).get();
        }
        while (!out.toString().contains("REMOVED REQUEST_TYPE:summarize") && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        follower.interrupt();
        follower.join(10_000);
        assertThat(out.toString()).contains("NEW REQUEST_TYPE:summarize p-9 REROUTE OPEN reroute to mixtral")
                .contains("REMOVED REQUEST_TYPE:summarize");
        assertThat(rc[0]).as("Ctrl-C").isEqualTo(ExitCodes.INTERRUPTED);
    }

    @Test
    void anomaliesFollowPrintsNewOnesAndSkipsPoisonUntilInterrupted() throws Exception {
        String anomalies = "inspect-" + UUID.randomUUID().toString().substring(0, 8) + "." + Topics.ANOMALIES;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(anomalies, 1, (short) 1))).all().get();
        }
        BeastAvroSerializer<Anomaly> serializer = new BeastAvroSerializer<>();
        serializer.configure(Map.of(BeastSerdeConfig.SCHEMA_REGISTRY_URL, registry), false);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(anomalies, "MODEL|gpt-4o|latency.p95",
                    serializer.serialize(anomalies, anomaly("a-old", "gpt-4o", T, Severity.WARNING)))).get();
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int[] rc = {-1};
            Thread follower = new Thread(() -> rc[0] = BeastCli.execute(new PrintWriter(out, true),
                    new PrintWriter(err, true), "anomalies", "--follow", "--topic", anomalies,
                    "--bootstrap-servers", bootstrap, "--schema-registry", registry));
            follower.start();
            long deadline = System.currentTimeMillis() + 30_000;
            while (!out.toString().contains("(1 anomaly)") && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            assertThat(out.toString()).contains("gpt-4o").contains("(1 anomaly)");
            producer.send(new ProducerRecord<>(anomalies, "junk", "POISON".getBytes(StandardCharsets.UTF_8))).get();
            producer.send(new ProducerRecord<>(anomalies, "MODEL|mixtral|latency.p95",
                    serializer.serialize(anomalies, anomaly("a-new", "mixtral", T + 5000, Severity.CRITICAL)))).get();
            while (!out.toString().contains("CRITICAL latency.p95 MODEL|mixtral") && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            follower.interrupt();
            follower.join(10_000);
            assertThat(out.toString()).contains("CRITICAL latency.p95 MODEL|mixtral observed 2400 expected 800.0");
            assertThat(err.toString()).contains("skipped " + anomalies + "-0@1: bad-magic-byte");
            assertThat(rc[0]).as("Ctrl-C").isEqualTo(ExitCodes.INTERRUPTED);
        }
    }
}
