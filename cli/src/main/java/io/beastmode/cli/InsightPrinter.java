package io.beastmode.cli;

import io.beastmode.analytics.v1.Anomaly;
import io.beastmode.analytics.v1.OptimizationProposal;
import io.beastmode.analytics.v1.ProposalOutcome;
import io.beastmode.schemas.Topics;
import io.beastmode.serde.BeastAvroDeserializer;
import io.beastmode.serde.BeastSerdeConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.io.PrintStream;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Prints the demo's anomalies, proposals and outcomes one line each as they are committed, so a person watching
 * the replay sees the loop happen. A record it cannot decode is reported, never fatal.
 */
final class InsightPrinter implements Consumer<ConsumerRecord<byte[], byte[]>>, AutoCloseable {
    private final BeastAvroDeserializer<Object> deserializer = new BeastAvroDeserializer<>();
    private final PrintStream out;

    InsightPrinter(String registryUrl, PrintStream out) {
        this.out = out;
        deserializer.configure(Map.of(BeastSerdeConfig.SCHEMA_REGISTRY_URL, registryUrl,
                BeastSerdeConfig.SPECIFIC_AVRO_READER, true), false);
    }

    @Override
    public void accept(ConsumerRecord<byte[], byte[]> r) {
        if (!Topics.ANOMALIES.equals(r.topic()) && !Topics.PROPOSALS.equals(r.topic()) && !Topics.OUTCOMES.equals(r.topic())) {
            return;
        }
        if (r.value() == null) {
            return; // a tombstone on the compacted proposals topic
        }
        try {
            out.println(line(deserializer.deserialize(r.topic(), r.value())));
        } catch (RuntimeException e) {
            out.println("demo: could not decode a record of " + r.topic() + " at offset " + r.offset() + ": " + e.getMessage());
        }
    }

    static String line(Object value) {
        if (value instanceof Anomaly a) {
            return String.format(java.util.Locale.ROOT, "ANOMALY  %s %s=%s %s: observed %.4g, expected %.4g, score %.2f (%s, window %s)",
                    a.getSeverity(), a.getDimension(), a.getDimensionKey(), a.getMetric(), a.getObserved(), a.getExpected(),
                    a.getScore(), a.getDetector(), Instant.ofEpochMilli(a.getWindowStart()));
        }
        if (value instanceof OptimizationProposal p) {
            return String.format(java.util.Locale.ROOT, "PROPOSAL %s %s %s:%s %s %s (p=%.3g, %s)", p.getKind(), p.getStatus(),
                    p.getTarget().getType(), p.getTarget().getKey(), p.getAction(), p.getParameters(),
                    p.getConfidence().getPValue(), p.getProposalId());
        }
        if (value instanceof ProposalOutcome o) {
            StringBuilder effects = new StringBuilder();
            o.getEffects().forEach(e -> effects.append(String.format(java.util.Locale.ROOT, " %s %+.1f%% (p=%.3g);",
                    e.getMetric(), e.getRelativeDelta() * 100, e.getPValue())));
            return "OUTCOME  " + o.getVerdict() + " " + o.getKind() + " " + o.getTarget().getType() + ":" + o.getTarget().getKey()
                    + effects + " (" + o.getProposalId() + ")";
        }
        return String.valueOf(value);
    }

    @Override
    public void close() {
        deserializer.close();
    }
}
