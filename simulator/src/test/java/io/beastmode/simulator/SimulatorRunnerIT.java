package io.beastmode.simulator;

import io.beastmode.serde.BeastAvroDeserializer;
import io.beastmode.serde.BeastSerdeConfig;
import io.beastmode.stack.BeastTestStack;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The runner against the real broker and registry: what it says it published is what a consumer finds. */
class SimulatorRunnerIT {

    @Test
    void publishesAllFourKindsAndTheSummaryMatchesTheTopics() {
        String prefix = "sim-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = SimulatorRunner.run(new String[] {
                "--bootstrap-servers", BeastTestStack.bootstrapServers(), "--schema-registry", BeastTestStack.registryUrl(),
                "--max-events", "20000", "--seed", "3", "--topic-prefix", prefix, "--json"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String json = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("incident DEGRADED_LATENCY", "events/s");

        SimulationSummary summary = new SimulatorRunner(new SimulatorOptions()
                .bootstrapServers(BeastTestStack.bootstrapServers()).schemaRegistry(BeastTestStack.registryUrl())
                .maxEvents(20_000).seed(3).topicPrefix(prefix + "again.").progress(false)).run();
        // Same seed, same counts, whatever the topics.
        assertThat(json).contains("\"totalPublished\" : 20000");
        assertThat(summary.totalPublished()).isEqualTo(20_000);
        assertThat(summary.failed()).isZero();
        assertThat(summary.published().values()).allSatisfy(n -> assertThat(n).isPositive());
        assertThat(summary.published()).isEqualTo(summary.generated());

        for (Map.Entry<String, String> kind : summary.topics().entrySet()) {
            long expected = summary.published().get(kind.getKey());
            assertThat(countDecodable(kind.getValue())).as(kind.getValue()).isEqualTo(expected);
            assertThat(json).contains("\"" + kind.getKey() + "\" : " + expected);
        }
    }

    @Test
    void speedPacesTheReplayByEventTime() {
        SimulationSummary s = new SimulatorRunner(new SimulatorOptions()
                .bootstrapServers(BeastTestStack.bootstrapServers()).schemaRegistry(BeastTestStack.registryUrl())
                .maxEvents(2_000).speed(20).progress(false)
                .topicPrefix("pace-" + UUID.randomUUID().toString().substring(0, 8) + ".")).run();
        double eventSeconds = (s.lastEventTime().toEpochMilli() - s.firstEventTime().toEpochMilli()) / 1000.0;
        assertThat(eventSeconds).isGreaterThan(30);
        // At 20x the span takes span/20 of wall time (about 2 s; unpaced it would take a tenth of that).
        assertThat(s.wallSeconds()).isGreaterThanOrEqualTo(eventSeconds / 20 * 0.95);
        assertThat(s.totalPublished()).isEqualTo(2_000);
    }

    /** Every record of the topic, each decoded through the registry; waits until no more arrive. */
    static long countDecodable(String topic) {
        BeastAvroDeserializer<SpecificRecord> deserializer = new BeastAvroDeserializer<>();
        Map<String, Object> serde = new HashMap<>();
        serde.put(BeastSerdeConfig.SCHEMA_REGISTRY_URL, BeastTestStack.registryUrl());
        serde.put(BeastSerdeConfig.SPECIFIC_AVRO_READER, true);
        deserializer.configure(serde, false);
        long count = 0;
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BeastTestStack.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "count-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long quietSince = System.currentTimeMillis();
            long deadline = System.currentTimeMillis() + 60_000;
            while (System.currentTimeMillis() - quietSince < 3_000 && System.currentTimeMillis() < deadline) {
                var records = consumer.poll(Duration.ofMillis(200));
                if (!records.isEmpty()) {
                    quietSince = System.currentTimeMillis();
                }
                for (ConsumerRecord<String, byte[]> r : records) {
                    Object value = deserializer.deserialize(topic, r.value());
                    assertThat(value).isInstanceOf(SpecificRecord.class);
                    assertThat(r.key()).startsWith("req-");
                    count++;
                }
            }
        }
        return count;
    }
}
