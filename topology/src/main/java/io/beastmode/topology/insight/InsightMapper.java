package io.beastmode.topology.insight;

import io.beastmode.analytics.v1.AckStatus;
import io.beastmode.analytics.v1.Anomaly;
import io.beastmode.analytics.v1.Dimension;
import io.beastmode.analytics.v1.OptimizationProposal;
import io.beastmode.analytics.v1.OutcomeVerdict;
import io.beastmode.analytics.v1.ProposalKind;
import io.beastmode.analytics.v1.ProposalStatus;
import io.beastmode.analytics.v1.ProposalTarget;
import io.beastmode.analytics.v1.Severity;
import io.beastmode.analytics.v1.StatisticalConfidence;
import io.beastmode.analytics.v1.TargetType;
import io.beastmode.detectors.DetectionResult;
import io.beastmode.proposals.Effect;
import io.beastmode.proposals.Evidence;
import io.beastmode.proposals.Proposal;
import io.beastmode.proposals.ProposalOutcome;
import io.beastmode.proposals.RoutingAck;
import io.beastmode.proposals.Target;

import java.nio.charset.StandardCharsets;
import java.util.TreeMap;
import java.util.UUID;

/** Maps between the proposals/detectors domain records and the Avro contract of the insight topics. */
public final class InsightMapper {

    private InsightMapper() {
    }

    /** The anomaly topic's key: {@code <dimension>|<dimensionKey>|<metric>}. */
    public static String anomalyKey(Dimension dimension, String dimensionKey, String metric) {
        return dimension.name() + "|" + dimensionKey + "|" + metric;
    }

    /**
     * Severity from the score, relative to the threshold that made it an anomaly: the upper half of [threshold, 1]
     * split in two. With the default threshold 0.5: INFO below 0.75, WARNING below 0.9, CRITICAL from 0.9.
     */
    public static Severity severity(double score, double threshold) {
        double critical = threshold + (1 - threshold) * 0.8;
        double warning = threshold + (1 - threshold) * 0.5;
        return score >= critical ? Severity.CRITICAL : score >= warning ? Severity.WARNING : Severity.INFO;
    }

    public static Anomaly anomaly(Dimension dimension, String dimensionKey, String metric, long windowStart,
                                  long windowEnd, DetectionResult r, double threshold, long detectedAt) {
        String key = anomalyKey(dimension, dimensionKey, metric);
        // Name-based, so a replay of the same windows reproduces the ids (consumers can de-duplicate).
        String id = UUID.nameUUIDFromBytes((key + "@" + windowStart).getBytes(StandardCharsets.UTF_8)).toString();
        return Anomaly.newBuilder()
                .setAnomalyId(id)
                .setMetric(metric)
                .setDimension(dimension)
                .setDimensionKey(dimensionKey)
                .setWindowStart(windowStart)
                .setWindowEnd(windowEnd)
                .setObserved(r.observed())
                .setExpected(r.expected())
                .setScore(r.score())
                .setSeverity(severity(r.score(), threshold))
                .setDetector(r.detector())
                .setDetectedAt(detectedAt)
                .build();
    }

    public static io.beastmode.proposals.Dimension dimension(Dimension d) {
        return io.beastmode.proposals.Dimension.valueOf(d.name());
    }

    public static ProposalTarget target(Target t) {
        return ProposalTarget.newBuilder().setType(TargetType.valueOf(t.type().name())).setKey(t.key()).build();
    }

    public static OptimizationProposal proposal(Proposal p) {
        return OptimizationProposal.newBuilder()
                .setProposalId(p.proposalId())
                .setKind(ProposalKind.valueOf(p.kind().name()))
                .setTarget(target(p.target()))
                .setAction(p.action())
                .setParameters(new TreeMap<>(p.parameterMap()))
                .setStatus(ProposalStatus.valueOf(p.status().name()))
                .setEvidence(p.evidence().stream().map(InsightMapper::evidence).toList())
                .setExpectedImpact(io.beastmode.analytics.v1.ExpectedImpact.newBuilder()
                        .setLatencyP95DeltaMs(p.expectedImpact().latencyP95DeltaMs())
                        .setCostDeltaPct(p.expectedImpact().costDeltaPct())
                        .setQualityDelta(p.expectedImpact().qualityDelta())
                        .setHitRateDelta(p.expectedImpact().hitRateDelta())
                        .build())
                .setConfidence(StatisticalConfidence.newBuilder()
                        .setTest(p.confidence().test())
                        .setStatistic(p.confidence().statistic())
                        .setPValue(p.confidence().pValue())
                        .setConfidenceLevel(p.confidence().confidenceLevel())
                        .build())
                .setRollout(io.beastmode.analytics.v1.RolloutPlan.newBuilder()
                        .setCanaryShare(p.rollout().canaryShare())
                        .setCanaryDurationMs(p.rollout().canaryDurationMs())
                        .setFullShare(p.rollout().fullShare())
                        .build())
                .setCreatedAt(p.createdAt())
                .setExpiresAt(p.expiresAt())
                .setSupersedes(p.supersedes())
                .build();
    }

    private static io.beastmode.analytics.v1.Evidence evidence(Evidence e) {
        return io.beastmode.analytics.v1.Evidence.newBuilder()
                .setMetric(e.metric()).setSubject(e.subject()).setValue(e.value()).setReference(e.reference())
                .setSamples(e.samples()).setWindowStart(e.windowStart()).setWindowEnd(e.windowEnd())
                .build();
    }

    public static io.beastmode.analytics.v1.ProposalOutcome outcome(ProposalOutcome o) {
        return io.beastmode.analytics.v1.ProposalOutcome.newBuilder()
                .setProposalId(o.proposalId())
                .setKind(ProposalKind.valueOf(o.kind().name()))
                .setTarget(target(o.target()))
                .setAppliedAt(o.appliedAt())
                .setEvaluatedAt(o.evaluatedAt())
                .setBeforeStart(o.beforeStart())
                .setBeforeEnd(o.beforeEnd())
                .setAfterStart(o.afterStart())
                .setAfterEnd(o.afterEnd())
                .setVerdict(OutcomeVerdict.valueOf(o.verdict().name()))
                .setEffects(o.effects().stream().map(InsightMapper::effect).toList())
                .setRollbackProposalId(o.rollbackProposalId())
                .build();
    }

    private static io.beastmode.analytics.v1.Effect effect(Effect e) {
        return io.beastmode.analytics.v1.Effect.newBuilder()
                .setMetric(e.metric()).setBefore(e.before()).setAfter(e.after()).setDelta(e.delta())
                .setRelativeDelta(e.relativeDelta()).setTest(e.test()).setPValue(e.pValue())
                .setSamplesBefore(e.samplesBefore()).setSamplesAfter(e.samplesAfter())
                .build();
    }

    public static RoutingAck ack(io.beastmode.analytics.v1.RoutingAck a) {
        return new RoutingAck(a.getProposalId(), status(a.getStatus()), a.getAt(), a.getRolloutShare(),
                a.getReason());
    }

    private static RoutingAck.Status status(AckStatus s) {
        return RoutingAck.Status.valueOf(s.name());
    }
}
