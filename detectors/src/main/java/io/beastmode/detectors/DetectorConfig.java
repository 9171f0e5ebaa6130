package io.beastmode.detectors;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * How to build a detector. One record for every kind so that a store can persist it next to the state; each kind
 * reads the parameters it needs.
 *
 * @param kind which detector
 * @param historySize values kept to learn the baseline (median and MAD); for the seasonal profile, the residuals kept
 * @param shortWindow latest values averaged to catch level shifts that single points hide in noise
 * @param deviationHistorySize memory, in observations, of the past deviations that teach how unusual "unusual" is
 *     for this series: the mean age of the novelty detector's exponentially forgetting deviation histograms
 * @param noveltyQuantile percentile (0-100] of past deviations that a deviation must reach to score 0.5
 * @param inRangeDamping factor applied to the deviation of a value within the range already seen in the window
 * @param alertThreshold score from which a result counts as an anomaly; also starts suppression
 * @param suppressionRows after an alert, how many observations stay below the alert threshold so that one incident
 *     raises one alert
 * @param seasonSlots slots per season for the seasonal profile
 * @param seasonPeriodMs length of a season, e.g. a day
 */
public record DetectorConfig(Kind kind, int historySize, int shortWindow, int deviationHistorySize,
    double noveltyQuantile, double inRangeDamping, double alertThreshold, int suppressionRows, int seasonSlots,
    long seasonPeriodMs) {

  /** The detector kinds {@link Detectors#create} can build. */
  public enum Kind { ROBUST_Z, ROBUST_NOVELTY, SEASONAL_PROFILE }

  public static final long DAY_MS = 24L * 3600 * 1000;

  /**
   * Calibrated once over all 24 NAB files of the shared data (realAWSCloudwatch and realKnownCause together, never per
   * file or category) with every other parameter of {@link #defaults()} fixed and suppression running at the tested
   * threshold: fixed thresholds from 0.45 to 0.55 score 56.5 to 57.8 on the standard profile there, a plateau whose
   * differences are about one early or late detection, and the round value in its middle is kept. 0.5 is also where
   * a deviation equals the novelty quantile of its own past (score r^4/(1+r^4) at r = 1).
   */
  public static final double DEFAULT_ALERT_THRESHOLD = 0.5;

  public DetectorConfig {
    if (historySize < 8 || shortWindow < 1 || deviationHistorySize < 8 || suppressionRows < 0) {
      throw new IllegalArgumentException("window sizes out of range: " + this);
    }
    if (!(noveltyQuantile > 0 && noveltyQuantile <= 100) || !(inRangeDamping > 0 && inRangeDamping <= 1)) {
      throw new IllegalArgumentException("quantile or damping out of range: " + this);
    }
    if (!(alertThreshold > 0 && alertThreshold <= 1)) {
      throw new IllegalArgumentException("alertThreshold must be in (0, 1]: " + alertThreshold);
    }
  }

  /** The default detector the pipeline uses. */
  public static DetectorConfig defaults() {
    return new DetectorConfig(Kind.ROBUST_NOVELTY, 1000, 20, 4000, 99.5, 0.6, DEFAULT_ALERT_THRESHOLD, 150, 0,
        DAY_MS);
  }

  /** A plain robust z-score over the latest 200 values. */
  public static DetectorConfig robustZ() {
    return new DetectorConfig(Kind.ROBUST_Z, 200, 1, 8, 100, 1, 0.9, 0, 0, DAY_MS);
  }

  /** A daily profile in 24 hourly slots, judged against the latest 24*14 residuals. */
  public static DetectorConfig seasonalDaily() {
    return new DetectorConfig(Kind.SEASONAL_PROFILE, 24 * 14, 1, 8, 100, 1, 0.9, 0, 24, DAY_MS);
  }

  public DetectorConfig withAlertThreshold(double threshold) {
    return new DetectorConfig(kind, historySize, shortWindow, deviationHistorySize, noveltyQuantile, inRangeDamping,
        threshold, suppressionRows, seasonSlots, seasonPeriodMs);
  }

  void write(DataOutput out) throws IOException {
    out.writeUTF(kind.name());
    out.writeInt(historySize);
    out.writeInt(shortWindow);
    out.writeInt(deviationHistorySize);
    out.writeDouble(noveltyQuantile);
    out.writeDouble(inRangeDamping);
    out.writeDouble(alertThreshold);
    out.writeInt(suppressionRows);
    out.writeInt(seasonSlots);
    out.writeLong(seasonPeriodMs);
  }

  static DetectorConfig read(DataInput in) throws IOException {
    return new DetectorConfig(Kind.valueOf(in.readUTF()), in.readInt(), in.readInt(), in.readInt(), in.readDouble(),
        in.readDouble(), in.readDouble(), in.readInt(), in.readInt(), in.readLong());
  }
}
