package io.beastmode.schemas;

import java.util.List;
import java.util.Map;

/**
 * The public topic contract in one place: names, partition counts and configs. Topologies, tools and tests take
 * topic names from here (topologies through their config, which defaults to these names), never from literals.
 */
public final class Topics {

    /** One topic: its name, the Avro value type it carries and the configs it is created with. */
    public record TopicSpec(String name, String valueType, String keyDescription, int partitions,
                            Map<String, String> configs) {
        public String valueSubject() {
            return name + "-value";
        }
    }

    public static final String REQUESTS = "beast.requests.v1";
    public static final String CACHE = "beast.cache.v1";
    public static final String SELECTION = "beast.selection.v1";
    public static final String COST = "beast.cost.v1";
    public static final String ROUTING_ACKS = "beast.routing-acks.v1";
    public static final String METRICS = "beast.metrics.v1";
    /**
     * The final tumbling (one-minute) windows again, all in one partition: the insight app's input. The metrics app
     * writes them in the same transaction as {@link #METRICS}, so the insight app reads them without a repartition
     * hop of its own (one exactly-once hop fewer between a metric and a proposal).
     */
    public static final String FINAL_METRICS = "beast.final-metrics.v1";
    public static final String ANOMALIES = "beast.anomalies.v1";
    public static final String PROPOSALS = "beast.proposals.v1";
    public static final String OUTCOMES = "beast.outcomes.v1";
    public static final String DLQ = "beast.dlq.v1";

    public static final int DEFAULT_PARTITIONS = 3;

    private static final Map<String, String> DELETE_7D = Map.of("cleanup.policy", "delete", "retention.ms", "604800000");
    // Stamped on append: retention then counts from the write, not from the window's event time, so a replay of old
    // traces is not deleted before the insight app reads it (its clock comes from the value's window end).
    private static final Map<String, String> FEED_1D = Map.of("cleanup.policy", "delete", "retention.ms", "86400000",
            "message.timestamp.type", "LogAppendTime");
    private static final Map<String, String> COMPACTED = Map.of("cleanup.policy", "compact",
            "min.cleanable.dirty.ratio", "0.1", "segment.ms", "3600000");

    private Topics() {
    }

    /** Every topic of the contract, inputs first; {@link #FINAL_METRICS} always has one partition. */
    public static List<TopicSpec> all(int partitions) {
        return List.of(
                new TopicSpec(REQUESTS, "io.beastmode.telemetry.v1.RequestEvent", "requestId", partitions, DELETE_7D),
                new TopicSpec(CACHE, "io.beastmode.telemetry.v1.CacheEvent", "requestId", partitions, DELETE_7D),
                new TopicSpec(SELECTION, "io.beastmode.telemetry.v1.SelectionEvent", "requestId", partitions, DELETE_7D),
                new TopicSpec(COST, "io.beastmode.telemetry.v1.CostEvent", "requestId", partitions, DELETE_7D),
                new TopicSpec(ROUTING_ACKS, "io.beastmode.analytics.v1.RoutingAck", "proposalId", partitions, DELETE_7D),
                new TopicSpec(METRICS, "io.beastmode.analytics.v1.WindowMetrics", "dimension|dimensionKey|windowSizeMs@windowStart", partitions, DELETE_7D),
                new TopicSpec(FINAL_METRICS, "io.beastmode.analytics.v1.WindowMetrics", "dimension|dimensionKey|windowSizeMs@windowStart", 1, FEED_1D),
                new TopicSpec(ANOMALIES, "io.beastmode.analytics.v1.Anomaly", "dimension|dimensionKey|metric", partitions, DELETE_7D),
                new TopicSpec(PROPOSALS, "io.beastmode.analytics.v1.OptimizationProposal", "target TYPE:key", partitions, COMPACTED),
                new TopicSpec(OUTCOMES, "io.beastmode.analytics.v1.ProposalOutcome", "proposalId", partitions, DELETE_7D),
                new TopicSpec(DLQ, "io.beastmode.analytics.v1.DeadLetter", "original key bytes", partitions, DELETE_7D));
    }

    public static List<TopicSpec> all() {
        return all(DEFAULT_PARTITIONS);
    }

    public static List<String> inputs() {
        return List.of(REQUESTS, CACHE, SELECTION, COST);
    }
}
