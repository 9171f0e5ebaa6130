package io.beastmode.detectors;

import java.io.DataInput;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * The simplest robust baseline: how many robust standard deviations (MAD-based) the value lies from the median of a
 * sliding window, mapped smoothly to [0, 1] (z = 3 gives about 0.6, z = 6 about 0.97).
 */
public final class RobustZScoreDetector extends ConfiguredDetector {

  static final String NAME = "robust-z";
  private static final int MIN_HISTORY = 10;

  private final DoubleRing history;
  private final RobustStats stats = new RobustStats();

  RobustZScoreDetector(DetectorConfig config) {
    this(config, new DoubleRing(config.historySize()));
  }

  private RobustZScoreDetector(DetectorConfig config, DoubleRing history) {
    super(NAME, config);
    this.history = history;
  }

  @Override
  public DetectionResult update(long timestampMs, double value) {
    if (history.size() < MIN_HISTORY) {
      history.add(value);
      return new DetectionResult(timestampMs, value, value, 0.0, NAME);
    }
    double[] medianMad = stats.medianAndMad(history);
    double scale = RobustStats.robustScale(medianMad[1], Math.sqrt(history.variance()), medianMad[0]);
    double z = Math.abs(value - medianMad[0]) / scale;
    history.add(value);
    return new DetectionResult(timestampMs, value, medianMad[0], zToScore(z), NAME);
  }

  /** 1 - exp(-(z/4)^2): flat near zero so noise stays quiet, saturating for gross outliers. */
  static double zToScore(double z) {
    double r = z / 4.0;
    return 1.0 - Math.exp(-r * r);
  }

  @Override
  void writeState(DataOutputStream out) throws IOException {
    history.write(out);
  }

  static RobustZScoreDetector readState(DetectorConfig config, DataInput in) throws IOException {
    return new RobustZScoreDetector(config, DoubleRing.read(in));
  }
}
