package io.beastmode.detectors;

/**
 * What a detector concluded about one observation: the observed value, the baseline it expected, and an anomaly
 * score in [0, 1] (higher is more anomalous), with the detector's name so an anomaly record can say who raised it.
 */
public record DetectionResult(long timestampMs, double observed, double expected, double score, String detector) {

  public boolean isAnomaly(double threshold) {
    return score >= threshold;
  }
}
