package io.beastmode.topology.insight;

import io.beastmode.analytics.v1.Anomaly;
import io.beastmode.analytics.v1.OptimizationProposal;
import io.beastmode.analytics.v1.ProposalOutcome;
import io.beastmode.analytics.v1.RoutingAck;
import io.beastmode.analytics.v1.WindowMetrics;
import io.beastmode.serde.BeastSerdes;
import io.beastmode.topology.config.PipelineConfig;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Anomalies, proposals and outcomes from the metrics, as a function of the config.
 *
 * <pre>
 *  beast.final-metrics.v1 (one partition) -------------------------------\
 *                                                                         >-- InsightProcessor --> anomalies
 *  beast.routing-acks.v1 --key "insight", one partition ("insight-acks")--/    (detectors,        \-> proposals (compacted)
 *                                                                               engine, tracker)   \-> outcomes
 * </pre>
 *
 * Everything meets in one task because the proposal engine has to see every series at once; the final windows are a
 * few dozen records per minute, so one task keeps up easily. The metrics app writes them to their one-partition topic
 * in the same transaction as the metrics topic, so a window reaches the engine through this app's commit alone; only
 * the rare acks take a repartition hop. Only final tumbling windows are read: the engine and the tracker measure
 * one-minute windows, and the hopping ones overlap (events would count five times).
 */
public final class InsightTopology {

    /** The key the acks are moved to on their way to the single partition (the windows keep theirs). */
    public static final String SINGLE_KEY = "insight";
    /** Name of the acks' single-partition repartition step ({@code <application.id>-insight-acks-repartition}). */
    public static final String ACKS_REPARTITION = "insight-acks";
    /** Header on each proposal: the wall-clock ms at which the insight stage emitted it, as decimal text. */
    public static final String DECIDED_AT_HEADER = "beast.decided-at";
    public static final String STORE_DETECTORS = InsightProcessor.DETECTORS;
    public static final String STORE_ENGINE = InsightProcessor.ENGINE;

    private InsightTopology() {
    }

    public static Topology build(PipelineConfig config) {
        return build(config, InsightConfig.defaults(), InsightTopics.of(config), System::currentTimeMillis);
    }

    /** @param clock wall clock for {@code Anomaly.detectedAt} (tests pin it) */
    public static Topology build(PipelineConfig config, InsightConfig insight, InsightTopics topics,
                                 LongSupplier clock) {
        Map<String, Object> registry = config.serdeConfigMap();
        Serde<String> keys = Serdes.String();
        Serde<WindowMetrics> windowSerde = BeastSerdes.specific(WindowMetrics.class, registry, false);
        Serde<RoutingAck> ackSerde = BeastSerdes.specific(RoutingAck.class, registry, false);
        long windowMs = config.tumblingWindow().toMillis();
        InsightConfig effective = insight.withProposals(insight.proposals().withWindowSizeMs(windowMs));

        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE_DETECTORS),
                Serdes.String(), Serdes.ByteArray()).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE_ENGINE),
                Serdes.String(), Serdes.ByteArray()).withCachingEnabled());

        InsightTimestampExtractor time = new InsightTimestampExtractor();
        KStream<String, InsightInput> windows = builder
                .stream(topics.finalMetrics(), Consumed.with(keys, windowSerde).withTimestampExtractor(time)
                        .withName("insight-source-final-metrics"))
                .filter((k, w) -> w != null && w.getFinal$() && w.getWindowSizeMs() == windowMs,
                        Named.as("insight-final-tumbling"))
                .mapValues(InsightInput::of, Named.as("insight-window-input"));
        KStream<String, InsightInput> acks = builder
                .stream(topics.routingAcks(), Consumed.with(keys, ackSerde).withTimestampExtractor(time)
                        .withName("insight-source-acks"))
                .filter((k, a) -> a != null, Named.as("insight-non-null-ack"))
                .map((k, a) -> KeyValue.pair(SINGLE_KEY, InsightInput.of(a)), Named.as("insight-ack-input"))
                .repartition(Repartitioned.with(keys, new InsightInputSerde()).withName(ACKS_REPARTITION)
                        .withNumberOfPartitions(1));

        // Merged after the acks' repartition, so both inputs are in one sub-topology: task 0 reads partition 0 of
        // each (the metrics app writes every final window to partition 0).
        KStream<String, SpecificRecord> out = windows.merge(acks, Named.as("insight-merge"))
                .process(() -> new InsightProcessor(effective, clock), Named.as("insight-process"),
                        STORE_DETECTORS, STORE_ENGINE);

        out.filter((k, v) -> v instanceof Anomaly, Named.as("insight-anomalies"))
                .mapValues(v -> (Anomaly) v, Named.as("insight-as-anomaly"))
                .to(topics.anomalies(), Produced.with(keys, BeastSerdes.specific(Anomaly.class, registry, false))
                        .withName("insight-sink-anomalies"));
        out.filter((k, v) -> v instanceof OptimizationProposal, Named.as("insight-proposals"))
                .mapValues(v -> (OptimizationProposal) v, Named.as("insight-as-proposal"))
                .to(topics.proposals(), Produced.with(keys,
                        BeastSerdes.specific(OptimizationProposal.class, registry, false))
                        .withName("insight-sink-proposals"));
        out.filter((k, v) -> v instanceof ProposalOutcome, Named.as("insight-outcomes"))
                .mapValues(v -> (ProposalOutcome) v, Named.as("insight-as-outcome"))
                .to(topics.outcomes(), Produced.with(keys,
                        BeastSerdes.specific(ProposalOutcome.class, registry, false))
                        .withName("insight-sink-outcomes"));
        return builder.build();
    }
}
