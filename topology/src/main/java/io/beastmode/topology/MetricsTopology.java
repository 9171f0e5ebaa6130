package io.beastmode.topology;

import io.beastmode.analytics.v1.WindowMetrics;
import io.beastmode.topology.config.PipelineConfig;
import io.beastmode.topology.config.PipelineTopics;
import io.beastmode.topology.decode.DecodeProcessor;
import io.beastmode.topology.decode.EventMapper;
import io.beastmode.topology.dlq.LateDeadLetterProcessor;
import io.beastmode.topology.model.Decoded;
import io.beastmode.topology.model.Observation;
import io.beastmode.topology.serde.PipelineSerdes;
import io.beastmode.topology.model.Shuffled;
import io.beastmode.topology.window.MulticastPartitioner;
import io.beastmode.topology.window.CommitHookStore;
import io.beastmode.topology.window.InputBacklog;
import io.beastmode.topology.window.PartialWindowEmitter;
import io.beastmode.topology.window.WindowCloseProcessor;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.Stores;
import java.time.Duration;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.kstream.Repartitioned;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The metrics topology as a function of its config.
 *
 * <pre>
 *  4 input topics (bytes) --decode+validate--> valid --fan-out to dimension keys, combined per (key, window)-->
 *                                          \-> dead letters --> DLQ       repartition "by-dimension": partial aggregates
 *                                                                          (and uncombined copies of events that may be
 *                                                                          late) by key, each decode task's watermark
 *                                                                          multicast to every partition
 *                                                                                    |
 *                     windows (tumbling, in the store "metrics-tumbling"; hopping ones merged from them)
 *                                          |-> closed windows --> WindowMetrics --> metrics
 *                                          |                       \-> final tumbling ones --> final-metrics (1 partition)
 *                                          \-> late ALL copies --> DLQ (late-event)
 * </pre>
 *
 * Windows are on event time and close when the low watermark (the minimum over every decode task's stream time
 * minus the grace, see {@link PartialWindowEmitter} and {@link WindowCloseProcessor}) passes their end, so a backlog
 * replayed at speed does not make events late because another task ran ahead. Each window is emitted once when it
 * closes; with {@code interimResults} open tumbling windows also emit final=false snapshots each commit interval
 * (hopping windows only emit their final result). Hopping windows have no store of their own: a query of the
 * "metrics-hopping" table merges the tumbling windows they cover, as the close does (see {@link
 * io.beastmode.topology.query.MetricsQueryService}).
 */
public final class MetricsTopology {

    /**
     * Window store of the closed tumbling windows (default 1 minute), queryable through IQv2; open ones are in
     * {@link #STORE_OPEN_WINDOWS}.
     */
    public static final String STORE_TUMBLING = "metrics-tumbling";
    /**
     * Table name of the hopping windows (default 5 minutes advancing by 1) in queries and in the count of emitted
     * windows. Not a store: written to a store of their own, each closed hopping window cost an encoding, a RocksDB
     * write and a changelog record, about 5% of the stream thread; a query merges the tumbling windows it covers.
     */
    public static final String HOPPING_TABLE = "metrics-hopping";
    /** Key-value store of the upstream watermarks and the close point. */
    public static final String STORE_WATERMARKS = "metrics-watermarks";
    /**
     * Key-value store of the open tumbling windows' aggregates as of the last commit, keyed by window start and
     * dimension key, each deleted when its window closes: the durable form of the in-memory open aggregates (see
     * {@link WindowCloseProcessor}), and what queries read for open windows. Keyed by start and deleted explicitly, it
     * expires by the close point; the window store that held open windows before expired by its newest write, so a
     * task racing ahead through a backlog expired the others' open windows.
     */
    public static final String STORE_OPEN_WINDOWS = "metrics-open-windows";
    /** The window task's {@link CommitHookStore}: its changed open windows are saved before each commit. */
    public static final String STORE_WINDOW_COMMIT_HOOK = "metrics-window-commit-hook";
    /** The decode task's {@link CommitHookStore}: its partial windows are sent before each commit. */
    public static final String STORE_COMMIT_HOOK = "metrics-commit-hook";
    /** Key-value store of the largest watermark each decode task has sent (partition to watermark). */
    public static final String STORE_SENT_WATERMARK = "metrics-sent-watermark";
    /** Name of the repartition step; its topic is {@code <application.id>-by-dimension-repartition}. */
    public static final String REPARTITION = "by-dimension";

    /** A window result in the wire format, and whether it also goes to the final-metrics topic. */
    private record EncodedWindow(byte[] bytes, boolean finalTumbling) {
    }

    private static final StreamPartitioner<String, byte[]> FIRST_PARTITION =
            (topic, key, value, numPartitions) -> Optional.of(Set.of(0));

    private MetricsTopology() {
    }

    public static Topology build(PipelineConfig config) {
        return build(config, new PipelineMetrics(), System::currentTimeMillis);
    }

    /** @param clock wall clock for the future-skew check and {@code emittedAt}/{@code failedAt} (tests pin it) */
    public static Topology build(PipelineConfig config, PipelineMetrics metrics, LongSupplier clock) {
        return build(config, metrics, clock, InputBacklog.EVERY_TOPIC);
    }

    /**
     * @param backlog which input topics a decode task has records waiting on when it starts (each holds the task's
     *                watermark until read); {@link InputBacklog#EVERY_TOPIC} when it cannot be asked
     */
    public static Topology build(PipelineConfig config, PipelineMetrics metrics, LongSupplier clock,
                                 InputBacklog backlog) {
        PipelineSerdes serdes = PipelineSerdes.of(config);
        PipelineTopics topics = config.topics();
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
                    .processValues(() -> new DecodeProcessor(kind, deserializer, EventMapper.of(config), metrics,
                                    clock),
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

        // 3. Fan out to dimension keys, combined per (key, tumbling window) until the task commits or its watermark
        //    passes the window, and co-partition; each decode task multicasts its watermark to every partition.
        long tumblingMs = config.tumblingWindow().toMillis();
        long graceMs = config.grace().toMillis();
        Duration watermarkInterval = Duration.ofMillis(Math.max(50L, Math.min(500L,
                config.watermarkIdle().toMillis() / 4)));
        builder.addStateStore(CommitHookStore.builder(STORE_COMMIT_HOOK));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(STORE_SENT_WATERMARK),
                Serdes.Integer(), Serdes.Long()));
        KStream<String, Shuffled> byDimension = routed.get("route-valid")
                .process(() -> new PartialWindowEmitter(graceMs, tumblingMs, watermarkInterval,
                        config.watermarkIdle().toMillis(), config.qualityTolerance(),
                        List.of(topics.requests(), topics.cache(), topics.selection(), topics.cost()), backlog,
                        STORE_COMMIT_HOOK, STORE_SENT_WATERMARK),
                        Named.as("partial-windows"), STORE_COMMIT_HOOK, STORE_SENT_WATERMARK)
                .repartition(Repartitioned.with(serdes.string(), serdes.shuffled()).withName(REPARTITION)
                        .withStreamPartitioner(new MulticastPartitioner()));

        // 4. Windows closed by the low watermark over all decode tasks; late ALL copies go to the DLQ.
        checkWindowShapes(config);
        builder.addStateStore(Stores.windowStoreBuilder(Stores.persistentWindowStore(STORE_TUMBLING,
                config.storeRetention(), config.tumblingWindow(), false), serdes.string(), serdes.aggregate()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE_WATERMARKS),
                Serdes.Integer(), Serdes.Long()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE_OPEN_WINDOWS),
                Serdes.Bytes(), serdes.aggregate()));
        builder.addStateStore(CommitHookStore.builder(STORE_WINDOW_COMMIT_HOOK));
        WindowCloseProcessor.Settings settings = new WindowCloseProcessor.Settings(STORE_TUMBLING, HOPPING_TABLE,
                STORE_WATERMARKS, STORE_OPEN_WINDOWS, STORE_WINDOW_COMMIT_HOOK, tumblingMs, config.hoppingWindow().toMillis(),
                config.hoppingAdvance().toMillis(), config.upstreamPartitions(), config.watermarkIdle().toMillis(),
                config.qualityTolerance(),
                config.interimResults(), config.commitInterval());
        // The processor emits two kinds of values: window results and late observations (see its javadoc).
        Map<String, KStream<String, Object>> emitted = byDimension
                .process(() -> new WindowCloseProcessor(settings, metrics, clock), Named.as("windows"),
                        STORE_TUMBLING, STORE_WATERMARKS, STORE_OPEN_WINDOWS, STORE_WINDOW_COMMIT_HOOK)
                .split(Named.as("emitted-"))
                .branch((key, v) -> v instanceof WindowMetrics, Branched.as("metrics"))
                .defaultBranch(Branched.as("late"));
        // Encoded once for both topics: the schema id is the metrics subject's (the same schema is registered under
        // the final-metrics subject too, and readers resolve ids, not subjects). Half the window results are final
        // tumbling ones, so a second encoding would add half again to the Avro encoding of results.
        Serializer<WindowMetrics> windowSerializer = serdes.windowMetrics().serializer();
        String metricsTopic = topics.metrics();
        KStream<String, EncodedWindow> windowMetrics = emitted.get("emitted-metrics")
                .mapValues(v -> {
                    WindowMetrics w = (WindowMetrics) v;
                    return new EncodedWindow(windowSerializer.serialize(metricsTopic, w),
                            w.getFinal$() && w.getWindowSizeMs() == tumblingMs);
                }, Named.as("window-metrics"));
        windowMetrics.mapValues(EncodedWindow::bytes, Named.as("window-metrics-bytes"))
                .to(topics.metrics(), Produced.with(serdes.string(), serdes.bytes()).withName("sink-metrics"));
        // The insight app's input: final tumbling windows in one partition (partition 0 even if the topic has more).
        windowMetrics
                .filter((key, w) -> w.finalTumbling(), Named.as("final-tumbling"))
                .mapValues(EncodedWindow::bytes, Named.as("final-tumbling-bytes"))
                .to(topics.finalMetrics(), Produced.with(serdes.string(), serdes.bytes())
                        .withStreamPartitioner(FIRST_PARTITION).withName("sink-final-metrics"));
        emitted.get("emitted-late")
                .mapValues(v -> (Observation) v, Named.as("late-all-copies"))
                .process(() -> new LateDeadLetterProcessor(tumblingMs, graceMs, metrics, clock),
                        Named.as("late-dead-letter"))
                .to(topics.dlq(), Produced.with(serdes.bytes(), serdes.deadLetter()).withName("sink-dlq-late"));
        return builder.build();
    }

    /** Hopping windows are merged from tumbling ones, so both hopping size and advance must be whole multiples. */
    private static void checkWindowShapes(PipelineConfig config) {
        long size = config.tumblingWindow().toMillis();
        if (config.hoppingWindow().toMillis() % size != 0 || config.hoppingAdvance().toMillis() % size != 0) {
            throw new IllegalArgumentException("hopping window " + config.hoppingWindow() + " and advance "
                    + config.hoppingAdvance() + " must be multiples of the tumbling window " + config.tumblingWindow());
        }
    }
}
