package io.beastmode.topology;

import io.beastmode.analytics.v1.DeadLetter;
import io.beastmode.analytics.v1.WindowMetrics;
import io.beastmode.processors.metrics.WindowAggregate;
import io.beastmode.topology.config.PipelineConfig;
import io.beastmode.topology.config.PipelineTopics;
import io.beastmode.topology.decode.DecodeProcessor;
import io.beastmode.topology.decode.EventMapper;
import io.beastmode.topology.dlq.LateDeadLetterProcessor;
import io.beastmode.topology.dlq.LateEventDetector;
import io.beastmode.topology.model.Decoded;
import io.beastmode.topology.model.DimensionKeys;
import io.beastmode.topology.model.MetricsMapper;
import io.beastmode.topology.model.Observation;
import io.beastmode.topology.serde.PipelineSerdes;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.EmitStrategy;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.WindowStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The metrics topology as a function of its config.
 *
 * <pre>
 *  4 input topics (bytes) --decode+validate--> valid ----fan-out to dimension keys----> repartition "by-dimension"
 *                                          \-> dead letters --> DLQ                             |
 *                                                               late-event detector (same task as the windows)
 *                                                               |-> late ALL copies --> DLQ (late-event)
 *                                                               |-> tumbling windows  "metrics-tumbling" -\
 *                                                               \-> hopping windows   "metrics-hopping"  --> WindowMetrics
 * </pre>
 *
 * Windows are on event time, accept out-of-order events within the grace, and emit once when they close
 * ({@link EmitStrategy#onWindowClose()}); with {@code interimResults} they also emit updates (final=false, throttled by
 * the record cache and commit interval) and a suppressed final result (final=true).
 */
public final class MetricsTopology {

    /** Window store of the tumbling windows (default 1 minute), queryable through IQv2. */
    public static final String STORE_TUMBLING = "metrics-tumbling";
    /** Window store of the hopping windows (default 5 minutes advancing by 1). */
    public static final String STORE_HOPPING = "metrics-hopping";
    /** Name of the repartition step; its topic is {@code <application.id>-by-dimension-repartition}. */
    public static final String REPARTITION = "by-dimension";

    private MetricsTopology() {
    }

    public static Topology build(PipelineConfig config) {
        return build(config, new PipelineMetrics(), System::currentTimeMillis);
    }

    /** @param clock wall clock for the future-skew check and {@code emittedAt}/{@code failedAt} (tests pin it) */
    public static Topology build(PipelineConfig config, PipelineMetrics metrics, LongSupplier clock) {
        PipelineSerdes serdes = PipelineSerdes.of(config);
        PipelineTopics topics = config.topics();
        EventMapper mapper = EventMapper.of(config);
        StreamsBuilder builder = new StreamsBuilder();

        // 1. Decode and validate each input topic; everything downstream is on the event time set here.
        KStream<byte[], Decoded> decoded = null;
        Map<Observation.Kind, String> inputs = Map.of(
                Observation.Kind.REQUEST, topics.requests(),
                Observation.Kind.CACHE, topics.cache(),
                Observation.Kind.SELECTION, topics.selection(),
                Observation.Kind.COST, topics.cost());
        for (Observation.Kind kind : Observation.Kind.values()) {
            String name = kind.name().toLowerCase(java.util.Locale.ROOT);
            Deserializer<?> deserializer = serdes.event(kind).deserializer();
            KStream<byte[], Decoded> stream = builder
                    .stream(inputs.get(kind), Consumed.with(serdes.bytes(), serdes.bytes())
                            .withTimestampExtractor(new EventTimeExtractor())
                            .withName("source-" + name))
                    .processValues(() -> new DecodeProcessor(kind, deserializer, mapper, metrics, clock),
                            Named.as("decode-" + name));
            decoded = decoded == null ? stream : decoded.merge(stream, Named.as("merge-" + name));
        }

        // 2. Dead letters out, valid events on.
        Map<String, KStream<byte[], Decoded>> routed = decoded.split(Named.as("route-"))
                .branch((key, d) -> d.isDeadLetter(), Branched.as("dead"))
                .defaultBranch(Branched.as("valid"));
        routed.get("route-dead")
                .mapValues(Decoded::deadLetter, Named.as("dead-letter-value"))
                .to(topics.dlq(), Produced.with(serdes.bytes(), serdes.deadLetter()).withName("sink-dlq-decode"));

        // 3. Fan out to dimension keys (provenance only on the ALL copy, see LateEventDetector) and co-partition.
        KStream<String, Observation> byDimension = routed.get("route-valid")
                .flatMap((key, d) -> fanOut(d), Named.as("fan-out"))
                .repartition(Repartitioned.with(serdes.string(), serdes.observation()).withName(REPARTITION));

        // 4. Mark copies whose tumbling window already closed; the ALL copy of such an event goes to the DLQ.
        long tumblingMs = config.tumblingWindow().toMillis();
        long graceMs = config.grace().toMillis();
        KStream<String, Observation> checked = byDimension.processValues(
                () -> new LateEventDetector(tumblingMs, graceMs, metrics), Named.as("late-detector"));
        checked.filter((key, o) -> o.late() && DimensionKeys.ALL.equals(key), Named.as("late-all-copies"))
                .process(() -> new LateDeadLetterProcessor(tumblingMs, graceMs, metrics, clock),
                        Named.as("late-dead-letter"))
                .to(topics.dlq(), Produced.with(serdes.bytes(), serdes.deadLetter()).withName("sink-dlq-late"));

        // 5. Windowed aggregation per dimension key, twice.
        KGroupedStream<String, Observation> grouped = checked.groupByKey(
                Grouped.with("by-dimension-grouped", serdes.string(), serdes.observation()));
        aggregate(grouped, TimeWindows.ofSizeAndGrace(config.tumblingWindow(), config.grace()), STORE_TUMBLING,
                config, serdes, metrics, clock);
        aggregate(grouped, TimeWindows.ofSizeAndGrace(config.hoppingWindow(), config.grace())
                        .advanceBy(config.hoppingAdvance()), STORE_HOPPING, config, serdes, metrics, clock);
        return builder.build();
    }

    private static List<KeyValue<String, Observation>> fanOut(Decoded d) {
        List<KeyValue<String, Observation>> out = new ArrayList<>(d.dimensionKeys().size());
        Observation bare = d.observation().withProvenance(null);
        for (String key : d.dimensionKeys()) {
            out.add(KeyValue.pair(key, DimensionKeys.ALL.equals(key) ? d.observation() : bare));
        }
        return out;
    }

    private static void aggregate(KGroupedStream<String, Observation> grouped, TimeWindows windows, String store,
                                  PipelineConfig config, PipelineSerdes serdes, PipelineMetrics metrics,
                                  LongSupplier clock) {
        double tolerance = config.qualityTolerance();
        KTable<Windowed<String>, WindowAggregate> table = grouped
                .windowedBy(windows)
                .emitStrategy(config.interimResults() ? EmitStrategy.onWindowUpdate() : EmitStrategy.onWindowClose())
                .aggregate(() -> new WindowAggregate(tolerance), (key, o, agg) -> o.addTo(agg),
                        Named.as("aggregate-" + store),
                        Materialized.<String, WindowAggregate, WindowStore<Bytes, byte[]>>as(store)
                                .withKeySerde(serdes.string())
                                .withValueSerde(serdes.aggregate())
                                .withRetention(config.storeRetention()));
        Produced<String, WindowMetrics> produced = Produced.with(serdes.string(), serdes.windowMetrics());
        if (!config.interimResults()) {
            toMetrics(table.toStream(Named.as("closed-" + store)), true, store, metrics, clock)
                    .to(config.topics().metrics(), produced.withName("sink-metrics-" + store));
            return;
        }
        toMetrics(table.toStream(Named.as("updates-" + store)), false, store, metrics, clock)
                .to(config.topics().metrics(), Produced.with(serdes.string(), serdes.windowMetrics())
                        .withName("sink-interim-" + store));
        toMetrics(table.suppress(Suppressed.<Windowed<String>>untilWindowCloses(Suppressed.BufferConfig.unbounded())
                                .withName("suppress-" + store))
                        .toStream(Named.as("closed-" + store)), true, store, metrics, clock)
                .to(config.topics().metrics(), produced.withName("sink-metrics-" + store));
    }

    private static KStream<String, WindowMetrics> toMetrics(KStream<Windowed<String>, WindowAggregate> windows,
                                                            boolean isFinal, String store, PipelineMetrics metrics,
                                                            LongSupplier clock) {
        String suffix = (isFinal ? "final-" : "interim-") + store;
        return windows
                .filter((w, agg) -> agg != null, Named.as("non-null-" + suffix))
                .map((w, agg) -> {
                    long start = w.window().start();
                    long end = w.window().end();
                    if (isFinal) {
                        metrics.windowEmitted(store);
                    }
                    return KeyValue.pair(DimensionKeys.metricsKey(w.key(), end - start, start),
                            MetricsMapper.toWindowMetrics(w.key(), start, end, agg, isFinal, clock.getAsLong()));
                }, Named.as("to-window-metrics-" + suffix));
    }
}
