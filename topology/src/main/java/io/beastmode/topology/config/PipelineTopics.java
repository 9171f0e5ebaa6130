package io.beastmode.topology.config;

import io.beastmode.schemas.Topics;

import java.util.List;
import java.util.Objects;

/**
 * The topics the pipeline reads and writes. Defaults come from {@link Topics}, the public contract; tests and
 * multi-tenant deployments pass other names instead of hard-coding them in the topology.
 */
public record PipelineTopics(String requests, String cache, String selection, String cost, String metrics,
                             String dlq, String finalMetrics) {

    public PipelineTopics {
        Objects.requireNonNull(requests, "requests");
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(selection, "selection");
        Objects.requireNonNull(cost, "cost");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(dlq, "dlq");
        Objects.requireNonNull(finalMetrics, "finalMetrics");
    }

    public static PipelineTopics defaults() {
        return new PipelineTopics(Topics.REQUESTS, Topics.CACHE, Topics.SELECTION, Topics.COST, Topics.METRICS,
                Topics.DLQ, Topics.FINAL_METRICS);
    }

    /** Every name with a prefix, e.g. per integration test so tests sharing a broker do not see each other. */
    public static PipelineTopics prefixed(String prefix) {
        PipelineTopics d = defaults();
        return new PipelineTopics(prefix + d.requests, prefix + d.cache, prefix + d.selection, prefix + d.cost,
                prefix + d.metrics, prefix + d.dlq, prefix + d.finalMetrics);
    }

    public List<String> inputs() {
        return List.of(requests, cache, selection, cost);
    }

    /** What the metrics app writes; {@link #finalMetrics} is meant to have one partition (it works with more). */
    public List<String> outputs() {
        return List.of(metrics, dlq, finalMetrics);
    }
}
