package io.beastmode.cli.bench;

import io.beastmode.clients.TelemetryPublisher;
import io.beastmode.clients.TopicAdmin;
import io.beastmode.schemas.Topics;
import io.beastmode.simulator.EventKind;
import io.beastmode.simulator.GatewaySimulator;
import io.beastmode.simulator.SimEvent;
import io.beastmode.simulator.SimulatorOptions;
import io.beastmode.telemetry.v1.CacheEvent;
import io.beastmode.telemetry.v1.CostEvent;
import io.beastmode.telemetry.v1.RequestEvent;
import io.beastmode.telemetry.v1.SelectionEvent;
import io.beastmode.telemetry.v1.SelectionEventKind;
import io.beastmode.topology.config.PipelineTopics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Utils;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Loads the bench input: the gateway simulator's real-trace events (the four kinds in trace proportions, unpaced) into
 * the input topics, then one closing event per kind and partition, {@code window + grace} past the last trace event in
 * event time. The closers move every decode task's watermark past the last trace window, so the pipeline closes all
 * trace windows as soon as it has read the backlog, without waiting for the wall-clock idle timeout; they sit in a
 * window of their own that stays open and is not part of the correctness check.
 */
public final class Preload {

    /**
     * What was loaded. {@code lastWindowStart}: start of the last tumbling window holding trace events;
     * {@code arrivals}: requests that arrived (their selection was loaded; the last ones may have no request event
     * yet when the preload stops at N events); {@code firstArrival}/{@code lastArrival}: their event times.
     */
    public record Result(long events, long closers, Map<EventKind, Long> byKind, long requests, long firstEventTime,
                         long lastEventTime, long lastWindowStart, long arrivals, long firstArrival, long lastArrival,
                         double seconds) {
        public double eventsPerSecond() {
            return seconds > 0 ? events / seconds : 0;
        }
    }

    private Preload() {
    }

    /** Creates every contract topic with the prefix (idempotent). */
    public static void createTopics(String bootstrap, String prefix, int partitions) {
        try (TopicAdmin admin = TopicAdmin.connect(bootstrap)) {
            List<Topics.TopicSpec> specs = Topics.all(partitions).stream()
                    .map(s -> new Topics.TopicSpec(prefix + s.name(), s.valueType(), s.keyDescription(),
                            s.partitions(), s.configs()))
                    .toList();
            admin.ensureTopics(specs);
        }
    }

    /**
     * Publishes {@code events} simulator events, then the closers.
     *
     * @param requestRate requests per second of event time, 0 for the trace's own spacing
     * @param windowMs tumbling window of the pipeline
     * @param graceMs  its grace
     */
    public static Result run(String bootstrap, String registryUrl, PipelineTopics topics, int partitions,
                             long events, long seed, java.nio.file.Path data, double requestRate, long windowMs,
                             long graceMs) {
        SimulatorOptions options = new SimulatorOptions().maxEvents(events).seed(seed).speed(0).dataDir(data)
                .requestRate(requestRate);
        GatewaySimulator simulator = GatewaySimulator.create(options);
        Map<EventKind, Long> byKind = new EnumMap<>(EventKind.class);
        Map<EventKind, SpecificRecord> templates = new EnumMap<>(EventKind.class);
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        long arrivals = 0;
        long firstArrival = Long.MAX_VALUE;
        long lastArrival = Long.MIN_VALUE;
        long t0 = System.nanoTime();
        try (TelemetryPublisher publisher = publisher(bootstrap, registryUrl, topics)) {
            while (simulator.hasNext()) {
                SimEvent e = simulator.next();
                publisher.publish(e.record(), null);
                byKind.merge(e.kind(), 1L, Long::sum);
                // Quality feedback is valid but not aggregated: it opens no window, so it does not count here.
                if (!(e.record() instanceof SelectionEvent s && s.getKind() == SelectionEventKind.QUALITY_FEEDBACK)) {
                    templates.put(e.kind(), e.record());
                    if (e.kind() == EventKind.SELECTION) { // a request's selection comes at its arrival
                        arrivals++;
                        firstArrival = Math.min(firstArrival, e.eventTime());
                        lastArrival = Math.max(lastArrival, e.eventTime());
                    }
                    first = Math.min(first, e.eventTime());
                    last = Math.max(last, e.eventTime());
                }
            }
            publisher.flush();
            if (publisher.stats().failed() > 0) {
                throw new IllegalStateException(publisher.stats().failed() + " preload events could not be sent");
            }
            long total = byKind.values().stream().mapToLong(Long::longValue).sum();
            if (total == 0) {
                throw new IllegalStateException("the simulator generated no events");
            }
            long lastWindowStart = Math.floorDiv(last, windowMs) * windowMs;
            long closeAt = lastWindowStart + windowMs + graceMs + 1_000L;
            int closers = 0;
            for (EventKind kind : EventKind.values()) {
                SpecificRecord template = templates.get(kind);
                if (template == null) {
                    continue; // a tiny preload may miss a kind; that topic then just goes idle
                }
                for (int p = 0; p < partitions; p++) {
                    publisher.publish(closer(template, keyFor(p, partitions), closeAt), null);
                    closers++;
                }
            }
            publisher.flush();
            double seconds = (System.nanoTime() - t0) / 1e9;
            return new Result(total, closers, byKind, byKind.getOrDefault(EventKind.REQUEST, 0L), first, last,
                    lastWindowStart, arrivals, firstArrival, lastArrival, seconds);
        }
    }

    static TelemetryPublisher publisher(String bootstrap, String registryUrl, PipelineTopics topics) {
        return TelemetryPublisher.builder().bootstrapServers(bootstrap).registryUrl(registryUrl)
                .maxFutureSkew(Duration.ofDays(3650))
                .producerProperty("client.id", "beast-bench-preload")
                .topic(RequestEvent.class, topics.requests())
                .topic(CacheEvent.class, topics.cache())
                .topic(SelectionEvent.class, topics.selection())
                .topic(CostEvent.class, topics.cost())
                .build();
    }

    /** A key the producer's default partitioner (murmur2 of the key bytes) puts on partition {@code p}. */
    static String keyFor(int p, int partitions) {
        for (int i = 0; ; i++) {
            String key = "bench-close-" + p + "-" + i;
            if (Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions == p) {
                return key;
            }
        }
    }

    private static SpecificRecord closer(SpecificRecord template, String requestId, long eventTime) {
        String eventId = requestId + "-" + template.getClass().getSimpleName();
        if (template instanceof RequestEvent r) {
            return RequestEvent.newBuilder(r).setEventId(eventId).setRequestId(requestId).setEventTime(eventTime).build();
        } else if (template instanceof CacheEvent c) {
            return CacheEvent.newBuilder(c).setEventId(eventId).setRequestId(requestId).setEventTime(eventTime).build();
        } else if (template instanceof SelectionEvent s) {
            return SelectionEvent.newBuilder(s).setEventId(eventId).setRequestId(requestId).setEventTime(eventTime).build();
        } else if (template instanceof CostEvent c) {
            return CostEvent.newBuilder(c).setEventId(eventId).setRequestId(requestId).setEventTime(eventTime).build();
        }
        throw new IllegalArgumentException("not a telemetry event: " + template.getClass());
    }
}
