package io.beastmode.topology.insight;

import io.beastmode.schemas.Topics;
import io.beastmode.topology.config.PipelineConfig;

import java.util.List;
import java.util.Objects;

/**
 * Topics of the insight application: it reads the final one-minute windows the metrics topology writes (one
 * partition) and the router's acks, and writes anomalies, proposals and outcomes.
 */
public record InsightTopics(String finalMetrics, String routingAcks, String anomalies, String proposals,
                            String outcomes) {

    public InsightTopics {
        Objects.requireNonNull(finalMetrics, "finalMetrics");
        Objects.requireNonNull(routingAcks, "routingAcks");
        Objects.requireNonNull(anomalies, "anomalies");
        Objects.requireNonNull(proposals, "proposals");
        Objects.requireNonNull(outcomes, "outcomes");
    }

    /**
     * From the pipeline config: the final-metrics topic is the config's; the others carry the same prefix the metrics
     * topic has in front of {@link Topics#METRICS} (so {@code PipelineTopics.prefixed(p)} gives {@code p + Topics.X}
     * here too), or the contract names when the metrics topic was renamed otherwise.
     */
    public static InsightTopics of(PipelineConfig config) {
        String metrics = config.topics().metrics();
        String prefix = metrics.endsWith(Topics.METRICS)
                ? metrics.substring(0, metrics.length() - Topics.METRICS.length()) : "";
        return new InsightTopics(config.topics().finalMetrics(), prefix + Topics.ROUTING_ACKS, prefix + Topics.ANOMALIES,
                prefix + Topics.PROPOSALS, prefix + Topics.OUTCOMES);
    }

    public List<String> inputs() {
        return List.of(finalMetrics, routingAcks);
    }

    public List<String> outputs() {
        return List.of(anomalies, proposals, outcomes);
    }
}
