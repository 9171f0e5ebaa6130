package io.beastmode.detectors;

import java.io.DataInput;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * The default detector. Three stages, each with bounded state:
 *
 * <ol>
 *   <li>Deviation: the value, and separately the mean of the latest few values, are compared with the median of a
 *       sliding window in units of a robust scale (MAD, floored), so both spikes and level shifts register and past
 *       outliers do not drag the baseline. A value inside the range already seen in the window is damped, because
 *       revisiting a known extreme (a routine peak) is less surprising than a new one.
 *   <li>Novelty: each deviation is divided by a high quantile of this series' own past deviations of the same kind
 *       and mapped through r^4/(1+r^4), so 0.5 means "as unusual as the rarest 0.5% so far". This makes one threshold
 *       meaningful across quiet and noisy series; the score is the larger of the point and shift scores. Past
 *       deviations are kept as a forgetting histogram ({@link DeviationHistogram}), a few kilobytes per kind instead
 *       of one double per remembered deviation.
 *   <li>Suppression: after an alert, scores stay below the alert threshold for a while, because one incident should
 *       raise one alert, not one per observation.
 * </ol>
 */
public final class RobustNoveltyDetector extends ConfiguredDetector {

  static final String NAME = "robust-novelty";
  private static final int MIN_HISTORY = 20;
  private static final int MIN_DEVIATIONS = 50;
  private static final double SHARPNESS = 4.0;
  /**
   * A deviation below two robust standard deviations is never rare, however calm the series has been: a long calm
   * spell must not make ordinary noise look novel.
   */
  private static final double MIN_RARE_DEVIATION = 2.0;

  private final SortedWindow history;
  private final DoubleRing recentValues;
  private final DeviationHistogram pointDeviations;
  private final DeviationHistogram shiftDeviations;
  private int suppressionLeft;

  RobustNoveltyDetector(DetectorConfig config) {
    this(config, new SortedWindow(config.historySize()), new DoubleRing(config.shortWindow()),
        new DeviationHistogram(config.deviationHistorySize()),
        new DeviationHistogram(config.deviationHistorySize()), 0);
  }

  private RobustNoveltyDetector(DetectorConfig config, SortedWindow history, DoubleRing recentValues,
      DeviationHistogram pointDeviations, DeviationHistogram shiftDeviations, int suppressionLeft) {
    super(NAME, config);
    this.history = history;
    this.recentValues = recentValues;
    this.pointDeviations = pointDeviations;
    this.shiftDeviations = shiftDeviations;
    this.suppressionLeft = suppressionLeft;
  }

  @Override
  public DetectionResult update(long timestampMs, double value) {
    recentValues.add(value);
    if (history.size() < MIN_HISTORY) {
      history.add(value);
      return new DetectionResult(timestampMs, value, value, 0.0, NAME);
    }
    double median = history.percentile(50.0);
    double mad = history.medianAbsoluteDeviation(median);
    double scale = RobustStats.robustScale(mad, Math.sqrt(history.variance()), median);
    double pointDeviation = Math.abs(value - median) / scale;
    if (value >= history.min() && value <= history.max()) {
      pointDeviation *= config().inRangeDamping();
    }
    double shiftDeviation = Math.abs(recentValues.mean() - median) / scale;
    history.add(value);

    double score = Math.max(noveltyScore(pointDeviations, pointDeviation),
        noveltyScore(shiftDeviations, shiftDeviation));
    pointDeviations.add(pointDeviation);
    shiftDeviations.add(shiftDeviation);

    if (suppressionLeft > 0) {
      suppressionLeft--;
      score = Math.min(score, Math.nextDown(config().alertThreshold()));
    } else if (score >= config().alertThreshold()) {
      suppressionLeft = config().suppressionRows();
    }
    return new DetectionResult(timestampMs, value, median, score, NAME);
  }

  /** The deviation relative to a high quantile of its own history, squashed smoothly into [0, 1). */
  private double noveltyScore(DeviationHistogram past, double deviation) {
    if (past.count() < MIN_DEVIATIONS) {
      return 0.0;
    }
    double rare = Math.max(past.percentile(config().noveltyQuantile()), MIN_RARE_DEVIATION);
    double ratio = deviation / Math.max(rare, 1e-9);
    double sharpened = Math.pow(ratio, SHARPNESS);
    return Double.isInfinite(sharpened) ? 1.0 : sharpened / (1.0 + sharpened);
  }

  @Override
  void writeState(DataOutputStream out) throws IOException {
      history.write(out);
      recentValues.write(out);
      pointDeviations.write(out);
      shiftDeviations.write(out);
      out.writeInt(suppressionLeft);
  }

  static RobustNoveltyDetector readState(DetectorConfig config, DataInput in) throws IOException {
    return new RobustNoveltyDetector(config, SortedWindow.read(in), DoubleRing.read(in), DeviationHistogram.read(in),
        DeviationHistogram.read(in), in.readInt());
  }
}
