package io.beastmode.cli;

import io.beastmode.serde.BeastAvroDeserializer;
import io.beastmode.serde.BeastSerdeConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code beast print TOPIC}: ksqlDB's PRINT, values decoded through the schema registry. */
@Command(name = "print", description = {"Print a topic's records like ksqlDB's PRINT: "
        + "rowtime: <UTC time>, key: <key>, value: <Avro as JSON>, partition: <p>.",
        "Windowed metric keys show as [DIM|key@start/end]; an undecodable value as <Failed to deserialize> (reason).",
        "Without --from-beginning only new records are printed; without --limit it runs until Ctrl-C."})
public final class PrintCommand implements Callable<Integer> {

    @CommandLine.Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Parameters(index = "0", paramLabel = "TOPIC", description = "The topic to print.")
    String topic;

    @Option(names = "--from-beginning", description = "Start at the earliest offsets instead of the end.")
    boolean fromBeginning;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
            description = "Stop after printing N records; 0 = no limit (default: ${DEFAULT-VALUE}).")
    long limit;

    @Option(names = "--interval", paramLabel = "N", defaultValue = "1",
            description = "Print every Nth record, as ksqlDB's INTERVAL (default: ${DEFAULT-VALUE}).")
    long interval;

    @Option(names = "--partition", paramLabel = "P", description = "Read only partition P.")
    Integer partition;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS", defaultValue = "0",
            description = "Stop after this many seconds without a new record; 0 = wait for ever (default: ${DEFAULT-VALUE}).")
    long idleTimeout;

    @Option(names = "--json", description = "One JSON object a line: topic, partition, offset, timestamp, key, value.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (limit < 0 || interval < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--limit must be >= 0 and --interval >= 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        String registry = cluster.schemaRegistryUrl();
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
             BeastAvroDeserializer<Object> values = new BeastAvroDeserializer<>()) {
            values.configure(Map.of(BeastSerdeConfig.SCHEMA_REGISTRY_URL, registry,
                    BeastSerdeConfig.SPECIFIC_AVRO_READER, false), false);
            List<TopicPartition> partitions = partitions(consumer);
            // Assigned, not subscribed: PRINT reads without a consumer group and commits nothing.
            consumer.assign(partitions);
            if (fromBeginning) {
                consumer.seekToBeginning(partitions);
            } else {
                consumer.seekToEnd(partitions);
            }
            partitions.forEach(consumer::position); // resolve now, so records produced after start are seen
            return loop(consumer, values, out);
        }
    }

    private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(15));
        if (infos == null || infos.isEmpty()) {
            throw new IllegalArgumentException("topic '" + topic + "' does not exist (see `beast topics`)");
        }
        List<TopicPartition> tps = new ArrayList<>();
        for (PartitionInfo p : infos) {
            if (partition == null || partition == p.partition()) {
                tps.add(new TopicPartition(topic, p.partition()));
            }
        }
        if (tps.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "topic '" + topic + "' has no partition " + partition + " (it has " + infos.size() + ")");
        }
        return tps;
    }

    private int loop(KafkaConsumer<byte[], byte[]> consumer, Deserializer<Object> values, PrintWriter out)
            throws InterruptedException {
        long seen = 0;
        long printed = 0;
        long lastRecord = System.nanoTime();
        while (limit == 0 || printed < limit) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException();
            }
            var records = consumer.poll(Duration.ofMillis(500));
            if (records.isEmpty()) {
                if (idleTimeout > 0 && System.nanoTime() - lastRecord > idleTimeout * 1_000_000_000L) {
                    break;
                }
                continue;
            }
            lastRecord = System.nanoTime();
            for (ConsumerRecord<byte[], byte[]> r : records) {
                if (seen++ % interval != 0) {
                    continue;
                }
                RecordFormat.Decoded v = RecordFormat.decode(values, r.topic(), r.value());
                out.println(json ? RecordFormat.json(r, v) : RecordFormat.line(r, v));
                printed++;
                if (limit > 0 && printed >= limit) {
                    break;
                }
            }
            out.flush();
        }
        out.flush();
        return ExitCodes.OK;
    }
}
