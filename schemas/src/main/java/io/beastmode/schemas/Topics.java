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
    public static final String ANOMALIES = "beast.anomalies.v1";
    public static final String PROPOSALS = "beast.proposals.v1";
    public static final String OUTCOMES = "beast.outcomes.v1";
    public static final String DLQ = "beast.dlq.v1";

    public static final int DEFAULT_PARTITIONS = 3;

    private static final Map<String, String> DELETE_7D = Map.of("cleanup.policy", "delete", "retention.ms", "604800000");
    private static final Map<String, String> COMPACTED = Map.of("cleanup.policy", "compact",
            "min.cleanable.dirty.ratio", "0.1", "segment.ms", "3600000");

    private Topics() {
    }

    /** Every topic of the contract, inputs first. */
    public static List<TopicSpec> all(int partitions) {
        return List.of(
                new TopicSpec(REQUESTS, "io.beastmode.telemetry.v1.RequestEvent", "requestId", partitions, DELETE_7D),
                new TopicSpec(CACHE, "io.beastmode.telemetry.v1.CacheEvent", "requestId", partitions, DELETE_7D),
                new TopicSpec(SELECTION, "io.beastmode.telemetry.v1.SelectionEvent", "requestId", partitions, DELETE_7D),
                new TopicSpec(COST, "io.beastmode.telemetry.v1.CostEvent", "requestId", partitions, DELETE_7D),
                new TopicSpec(ROUTING_ACKS, "io.beastmode.analytics.v1.RoutingAck", "proposalId", partitions, DELETE_7D),
                new TopicSpec(METRICS, "io.beastmode.analytics.v1.WindowMetrics", "dimension|dimensionKey|windowSizeMs@windowStart", partitions, DELETE_7D),
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
