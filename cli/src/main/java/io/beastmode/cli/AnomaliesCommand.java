package io.beastmode.cli;

import io.beastmode.analytics.v1.Anomaly;
import io.beastmode.schemas.Topics;
import io.beastmode.serde.BeastAvroDeserializer;
import io.beastmode.serde.BeastSerdeConfig;
import io.beastmode.serde.WireFormatException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code beast anomalies}: the anomalies detected so far, oldest first; {@code --follow} prints new ones. */
@Command(name = "anomalies", description = {"Show the anomalies on the anomalies topic (all of them, by detection "
        + "time), then with --follow each new one as it is detected until Ctrl-C."})
public final class AnomaliesCommand implements Callable<Integer> {

    @CommandLine.Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Option(names = "--topic", paramLabel = "TOPIC", defaultValue = Topics.ANOMALIES,
            description = "The anomalies topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--follow", description = "After the existing anomalies, print new ones as they arrive.")
    boolean follow;

    @Option(names = "--json", description = "One JSON object a line instead of the table.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer());
             BeastAvroDeserializer<Anomaly> values = new BeastAvroDeserializer<>(Anomaly.class)) {
            values.configure(Map.of(BeastSerdeConfig.SCHEMA_REGISTRY_URL, cluster.schemaRegistryUrl()), false);
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(15));
            if (infos == null || infos.isEmpty()) {
                throw new IllegalArgumentException("topic '" + topic + "' does not exist (see `beast topics create`)");
            }
            List<TopicPartition> tps = new ArrayList<>();
            infos.forEach(i -> tps.add(new TopicPartition(topic, i.partition())));
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps);
            List<Anomaly> existing = new ArrayList<>();
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    Anomaly a = decode(values, r);
                    if (a != null) {
                        existing.add(a);
                    }
                }
            }
            existing.sort(java.util.Comparator.comparingLong(Anomaly::getDetectedAt));
            if (json) {
                existing.forEach(a -> out.println(line(a)));
            } else {
                Table t = new Table("Detected", "Severity", "Metric", "Dimension", "Key", "Window start", "Observed",
                        "Expected", "Score", "Detector");
                existing.forEach(a -> t.row(Instant.ofEpochMilli(a.getDetectedAt()), a.getSeverity(), a.getMetric(),
                        a.getDimension(), a.getDimensionKey(), Instant.ofEpochMilli(a.getWindowStart()),
                        String.format("%.4g", a.getObserved()), String.format("%.4g", a.getExpected()),
                        String.format("%.3f", a.getScore()), a.getDetector()));
                out.print(t.render());
                out.println("(" + existing.size() + " anomal" + (existing.size() == 1 ? "y" : "ies") + ")");
            }
            out.flush();
            while (follow) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException();
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    Anomaly a = decode(values, r);
                    if (a != null) {
                        out.println(json ? line(a) : a.getSeverity() + " " + a.getMetric() + " " + a.getDimension()
                                + "|" + a.getDimensionKey() + " observed " + String.format("%.4g", a.getObserved())
                                + " expected " + String.format("%.4g", a.getExpected()) + " at "
                                + Instant.ofEpochMilli(a.getWindowStart()));
                    }
                }
                out.flush();
            }
        }
        return ExitCodes.OK;
    }

    /** An undecodable record is reported on stderr and skipped: one bad record must not hide the others. */
    private Anomaly decode(BeastAvroDeserializer<Anomaly> values, ConsumerRecord<String, byte[]> r) {
        try {
            return values.deserialize(r.topic(), r.value());
        } catch (WireFormatException e) {
            spec.commandLine().getErr().println("skipped " + r.topic() + "-" + r.partition() + "@" + r.offset()
                    + ": " + e.reason().code());
            return null;
        }
    }

    private static String line(Anomaly a) {
        try {
            return Json.line(Json.MAPPER.readTree(a.toString()));
        } catch (java.io.IOException e) {
            return a.toString();
        }
    }
}
