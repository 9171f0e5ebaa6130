package io.beastmode.cli.chaos;

import io.beastmode.clients.TelemetryPublisher;
import io.beastmode.schemas.Topics;
import io.beastmode.simulator.GatewaySimulator;
import io.beastmode.simulator.SimEvent;
import io.beastmode.simulator.SimulatorOptions;
import io.beastmode.telemetry.v1.RequestEvent;
import io.beastmode.topology.config.PipelineConfig;
import io.beastmode.topology.serde.PipelineSerdes;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The chaos input, written once before any pipeline runs: N valid request events of the gateway simulator (real
 * traces, unpaced, ending about 45 minutes of event time before "now", so every event time is valid), M poison
 * records mixed in at random positions, and one end marker per input partition.
 *
 * <p>Poison kinds (the key of each poison record is {@code poison|<kind>|<n>} so its dead letter can be matched):
 * <ul>
 *   <li>{@code random-bytes}: 1 to 64 random bytes, on any input topic (first byte never 0, so not the wire format);</li>
 *   <li>{@code unknown-schema-id}: the Confluent framing with a schema id the registry never gave out;</li>
 *   <li>{@code negative-latency}, {@code negative-tokens}, {@code ancient-event-time}: RequestEvents that are valid
 *       Avro of the registered schema but break the contract (latency &lt; 0, tokens &lt; 0, event time in 2001).</li>
 * </ul>
 *
 * <p>End markers: one valid request per partition of the requests topic, {@link #END_GAP_MS} after the last real event.
 * They move every decode task's watermark past every real window, so all real windows close at once without waiting
 * for the idle timeout; their own window never closes, so they are in no counted window (reported separately).
 */
final class ChaosInput {
    static final long MINUTE_MS = 60_000L;
    /** Far enough past the data that every 1- and 5-minute window of real events closes (grace 30 s). */
    static final long END_GAP_MS = 15 * MINUTE_MS;
    static final List<String> POISON_KINDS = List.of("random-bytes", "unknown-schema-id", "negative-latency",
            "negative-tokens", "ancient-event-time");
    /** The dead-letter reasons each poison kind may get. */
    static final Map<String, Set<String>> EXPECTED_REASONS = Map.of(
            "random-bytes", Set.of("bad-magic-byte", "truncated"),
            "unknown-schema-id", Set.of("unknown-schema-id"),
            "negative-latency", Set.of("invalid-latency"),
            "negative-tokens", Set.of("invalid-value"),
            "ancient-event-time", Set.of("event-time-out-of-range"));

    /** What was written. */
    record Written(long events, long endMarkers, long poison, Map<String, Long> poisonByKind, Set<Long> minuteStarts,
                   long lastEventMs, Set<String> models, double seconds) {
    }

    private ChaosInput() {
    }

    /**
     * The event time of the first request written at {@code nowMs}: the input ends about {@code age} before now (the
     * trace laps at roughly 300-400 requests a minute, so N/300 minutes over-estimates the span).
     */
    static long plannedStart(long events, Duration age, long nowMs) {
        long spanMinutes = events / 300 + 1;
        return (nowMs - Duration.ofMinutes(spanMinutes).plus(age).toMillis()) / MINUTE_MS * MINUTE_MS;
    }

    /** @param batchBytes producer batch size of the valid events (small batches let a paced reader take few at once) */
    static Written write(String bootstrap, String registryUrl, long events, int poison, long seed, Path dataDir,
                         int partitions, Duration age, int batchBytes) throws Exception {
        long t0 = System.nanoTime();
        Random random = new Random(seed ^ 0x5DEECE66DL);
        // A week back checks that a state rebuild keeps old data (see the README, "Replaying old data").
        long start = plannedStart(events, age, System.currentTimeMillis());
        // maxEvents > 0 makes the simulator lap the trace (one pass has ~40,000 requests); the loop below stops at N.
        SimulatorOptions options = new SimulatorOptions().seed(seed).start(Instant.ofEpochMilli(start)).maxEvents(Long.MAX_VALUE);
        if (dataDir != null) {
            options.dataDir(dataDir);
        }
        GatewaySimulator sim = GatewaySimulator.create(options);

        // Where the poison goes: M distinct positions among the N valid events.
        long[] poisonAt = random.longs(poison, 0, Math.max(1, events)).sorted().toArray();
        Map<String, Long> poisonByKind = new LinkedHashMap<>();
        Set<Long> minutes = new HashSet<>();
        Set<String> models = new HashSet<>();
        Serializer<RequestEvent> avro = PipelineSerdes.of(PipelineConfig.builder().bootstrapServers(bootstrap)
                .schemaRegistryUrl(registryUrl).build()).requestEvent().serializer();
        long last = Long.MIN_VALUE;
        long written = 0;
        int nextPoison = 0;
        try (TelemetryPublisher publisher = TelemetryPublisher.builder().bootstrapServers(bootstrap).registryUrl(registryUrl)
                .producerProperty(ProducerConfig.LINGER_MS_CONFIG, 20)
                .producerProperty(ProducerConfig.BATCH_SIZE_CONFIG, batchBytes)
                .minEventTime(Instant.ofEpochMilli(start - Duration.ofDays(1).toMillis()))
                .build();
             KafkaProducer<String, byte[]> raw = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                     ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer())) {
            CompletableFuture<?> lastSend = CompletableFuture.completedFuture(null);
            while (written < events) {
                if (!sim.hasNext()) {
                    throw new IllegalStateException("the simulator ran out after " + written + " requests");
                }
                SimEvent e = sim.next();
                if (!(e.record() instanceof RequestEvent request)) {
                    continue; // requests are what the windows count; the other kinds are not part of the chaos input
                }
                while (nextPoison < poisonAt.length && poisonAt[nextPoison] <= written) {
                    String kind = POISON_KINDS.get(random.nextInt(POISON_KINDS.size()));
                    long n = poisonByKind.merge(kind, 1L, Long::sum);
                    String topic = kind.equals("random-bytes") || kind.equals("unknown-schema-id")
                            ? Topics.inputs().get(random.nextInt(Topics.inputs().size())) : Topics.REQUESTS;
                    raw.send(new ProducerRecord<>(topic, "poison|" + kind + "|" + n,
                            poisonValue(kind, request, random, avro)));
                    nextPoison++;
                }
                lastSend = publisher.publish(request);
                last = Math.max(last, request.getEventTime());
                minutes.add(request.getEventTime() / MINUTE_MS * MINUTE_MS);
                models.add(request.getServedModel());
                written++;
            }
            if (last + END_GAP_MS > System.currentTimeMillis() + Duration.ofMinutes(5).toMillis()) {
                // End markers must stay within the pipeline's allowed future skew (15 minutes) to be valid.
                throw new IllegalStateException("the input's event time runs past now; the span estimate was short");
            }
            long endAt = last + END_GAP_MS;
            for (int p = 0; p < partitions; p++) {
                RequestEvent end = RequestEvent.newBuilder(lastRequest(sim, random))
                        .setRequestId(keyFor(p, partitions)).setEventId("chaos-end-" + p).setEventTime(endAt).build();
                lastSend = publisher.publish(end);
            }
            publisher.flush();
            raw.flush();
            lastSend.get(60, TimeUnit.SECONDS);
            if (publisher.stats().failed() > 0) {
                throw new IllegalStateException(publisher.stats().failed() + " events could not be published");
            }
        }
        return new Written(written, partitions, poison, poisonByKind, minutes, last, models,
                (System.nanoTime() - t0) / 1e9);
    }

    /** A template request for the end markers: the simulator's next one (valid by construction). */
    private static RequestEvent lastRequest(GatewaySimulator sim, Random random) {
        while (sim.hasNext()) {
            if (sim.next().record() instanceof RequestEvent r) {
                return r;
            }
        }
        throw new IllegalStateException("the simulator has no request left for the end markers");
    }

    /** A key the default partitioner sends to {@code partition} (murmur2 of the key bytes, as the producer does). */
    static String keyFor(int partition, int partitions) {
        for (int i = 0; ; i++) {
            String key = "chaos-end-" + partition + "-" + i;
            if (Utils.toPositive(Utils.murmur2(key.getBytes(java.nio.charset.StandardCharsets.UTF_8))) % partitions == partition) {
                return key;
            }
        }
    }

    private static byte[] poisonValue(String kind, RequestEvent template, Random random, Serializer<RequestEvent> avro) {
        switch (kind) {
            case "random-bytes" -> {
                byte[] b = new byte[1 + random.nextInt(64)];
                random.nextBytes(b);
                b[0] = (byte) (1 + random.nextInt(255));
                return b;
            }
            case "unknown-schema-id" -> {
                byte[] body = new byte[8 + random.nextInt(32)];
                random.nextBytes(body);
                return ByteBuffer.allocate(5 + body.length).put((byte) 0).putInt(900_000_000 + random.nextInt(1000))
                        .put(body).array();
            }
            default -> {
                RequestEvent.Builder b = RequestEvent.newBuilder(template)
                        .setRequestId("poison-" + random.nextLong()).setEventId("poison-" + random.nextLong());
                switch (kind) {
                    case "negative-latency" -> b.setLatencyMs(-1 - random.nextInt(1000));
                    case "negative-tokens" -> b.setInputTokens(-1 - random.nextInt(1000));
                    case "ancient-event-time" -> b.setEventTime(Instant.parse("2001-09-09T01:46:40Z").toEpochMilli());
                    default -> throw new IllegalArgumentException(kind);
                }
                return avro.serialize(Topics.REQUESTS, b.build());
            }
        }
    }
}
