package io.beastmode.detectors;

import org.apache.commons.math3.stat.descriptive.rank.Percentile;

/** Median and median absolute deviation of a window, with a scratch buffer so the hot path does not allocate. */
final class RobustStats {

  /** Scales a MAD to the standard deviation of a normal distribution. */
  static final double MAD_TO_SIGMA = 1.4826;

  private final Percentile percentile = new Percentile();
  private double[] scratch = new double[0];
  private double[] deviations = new double[0];

  /** Returns {median, MAD} of the ring's values. */
  double[] medianAndMad(DoubleRing ring) {
    if (scratch.length < ring.capacity()) {
      scratch = new double[ring.capacity()];
      deviations = new double[ring.capacity()];
    }
    int n = ring.copyTo(scratch);
    double median = percentile.evaluate(scratch, 0, n, 50.0);
    for (int i = 0; i < n; i++) {
      deviations[i] = Math.abs(scratch[i] - median);
    }
    double mad = percentile.evaluate(deviations, 0, n, 50.0);
    return new double[] {median, mad};
  }

  /**
   * A scale that never collapses to zero: MAD as sigma, floored by a fraction of the standard deviation (series that
   * sit on one value most of the time have MAD 0) and by a tiny fraction of the level.
   */
  static double robustScale(double mad, double stdDev, double median) {
    return Math.max(Math.max(MAD_TO_SIGMA * mad, 0.25 * stdDev), 1e-6 * Math.max(1.0, Math.abs(median)));
  }
}
