package io.beastmode.topology.insight;

import io.beastmode.analytics.v1.Dimension;
import io.beastmode.detectors.DetectorConfig;
import io.beastmode.proposals.ProposalConfig;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What the insight topology adds to the pipeline config.
 *
 * @param detector           detector of every metric series; its {@code alertThreshold} decides what is anomalous
 * @param proposals          proposal engine and outcome tracker thresholds
 * @param detectedDimensions series watched for anomalies. REQUEST_TYPE is left out (it mixes models, so a sick model
 *                           shows on its MODEL and REQUEST_TYPE_MODEL series first), which bounds the detector state
 * @param confirmAlerts      a flagged window becomes an anomaly only when the series' next window confirms it
 *                           ({@link io.beastmode.detectors.AlertConfirmation}); false publishes every flagged window
 */
public record InsightConfig(DetectorConfig detector, ProposalConfig proposals, Set<Dimension> detectedDimensions,
                            boolean confirmAlerts) {

    public static final Set<Dimension> DEFAULT_DIMENSIONS = EnumSet.of(Dimension.MODEL,
            Dimension.REQUEST_TYPE_MODEL, Dimension.TENANT, Dimension.CACHE_TIER_NAMESPACE, Dimension.ALL);

    public InsightConfig {
        Objects.requireNonNull(detector, "detector");
        Objects.requireNonNull(proposals, "proposals");
        detectedDimensions = Set.copyOf(detectedDimensions);
    }

    /** The NAB-calibrated default detector and the engine's defaults. */
    public static InsightConfig defaults() {
        return new InsightConfig(DetectorConfig.defaults(), ProposalConfig.defaults(), DEFAULT_DIMENSIONS, true);
    }

    /**
     * The default detector scores nothing before 70 observations (20 of history, 50 of past deviations), i.e. 70
     * minutes of one-minute windows. Short replays use the robust z-score instead: 10 windows of warm-up, and its
     * own threshold of 0.9 (about 6 robust standard deviations), since it has no novelty stage to learn the noise.
     */
    public static InsightConfig fastWarmup() {
        return new InsightConfig(DetectorConfig.robustZ(), ProposalConfig.defaults(), DEFAULT_DIMENSIONS, true);
    }

    /** Env variable choosing the detector: {@code robust-novelty} (default) or {@code robust-z} (short replays). */
    public static final String DETECTOR_ENV = "BEAST_INSIGHT_DETECTOR";

    public static InsightConfig fromEnv(java.util.Map<String, String> env) {
        String d = env.getOrDefault(DETECTOR_ENV, "robust-novelty").trim();
        return switch (d) {
            case "", "robust-novelty" -> defaults();
            case "robust-z" -> fastWarmup();
            default -> throw new IllegalArgumentException(DETECTOR_ENV + " must be robust-novelty or robust-z: " + d);
        };
    }

    public InsightConfig withDetector(DetectorConfig d) {
        return new InsightConfig(d, proposals, detectedDimensions, confirmAlerts);
    }

    /** With or without the next-window confirmation of alerts. */
    public InsightConfig withConfirmAlerts(boolean confirm) {
        return new InsightConfig(detector, proposals, detectedDimensions, confirm);
    }

    public InsightConfig withProposals(ProposalConfig p) {
        return new InsightConfig(detector, p, detectedDimensions, confirmAlerts);
    }
}
