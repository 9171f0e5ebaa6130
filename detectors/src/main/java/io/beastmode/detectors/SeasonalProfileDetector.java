package io.beastmode.detectors;

import java.io.DataInput;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * Compares a value with what is usual at the same phase of the season (e.g. the same hour of the day): each slot of
 * the period keeps its own recent values, the slot's median is the expectation, and the deviation is measured in a
 * robust scale of the residuals across all slots, so a daily peak is not an anomaly but a peak at night is.
 */
public final class SeasonalProfileDetector extends ConfiguredDetector {

  static final String NAME = "seasonal-profile";
  private static final int MIN_SLOT_VALUES = 3;
  private static final int MIN_SLOT_CAPACITY = 8;

  private final DoubleRing[] slots;
  private final DoubleRing residuals;
  private final RobustStats stats = new RobustStats();

  SeasonalProfileDetector(DetectorConfig config) {
    this(config, newSlots(config), new DoubleRing(config.historySize()));
  }

  private SeasonalProfileDetector(DetectorConfig config, DoubleRing[] slots, DoubleRing residuals) {
    super(NAME, requireSeason(config));
    this.slots = slots;
    this.residuals = residuals;
  }

  private static DetectorConfig requireSeason(DetectorConfig config) {
    if (config.seasonSlots() < 1 || config.seasonPeriodMs() < config.seasonSlots()) {
      throw new IllegalArgumentException("a seasonal profile needs slots and a period: " + config);
    }
    return config;
  }

  private static DoubleRing[] newSlots(DetectorConfig config) {
    DoubleRing[] slots = new DoubleRing[config.seasonSlots()];
    int capacity = Math.max(MIN_SLOT_CAPACITY, config.historySize() / Math.max(1, config.seasonSlots()));
    for (int i = 0; i < slots.length; i++) {
      slots[i] = new DoubleRing(capacity);
    }
    return slots;
  }

  int slotOf(long timestampMs) {
    long phase = Math.floorMod(timestampMs, config().seasonPeriodMs());
    return (int) (phase * config().seasonSlots() / config().seasonPeriodMs());
  }

  @Override
  public DetectionResult update(long timestampMs, double value) {
    DoubleRing slot = slots[slotOf(timestampMs)];
    if (slot.size() < MIN_SLOT_VALUES) {
      slot.add(value);
      return new DetectionResult(timestampMs, value, value, 0.0, NAME);
    }
    double expected = stats.medianAndMad(slot)[0];
    double residual = value - expected;
    double score = 0.0;
    if (residuals.size() >= MIN_SLOT_VALUES) {
      double[] residualMedianMad = stats.medianAndMad(residuals);
      double scale = RobustStats.robustScale(residualMedianMad[1], Math.sqrt(residuals.variance()), expected);
      score = RobustZScoreDetector.zToScore(Math.abs(residual - residualMedianMad[0]) / scale);
    }
    slot.add(value);
    residuals.add(residual);
    return new DetectionResult(timestampMs, value, expected, score, NAME);
  }

  @Override
  void writeState(DataOutputStream out) throws IOException {
      for (DoubleRing slot : slots) {
        slot.write(out);
      }
      residuals.write(out);
  }

  static SeasonalProfileDetector readState(DetectorConfig config, DataInput in) throws IOException {
    DoubleRing[] slots = new DoubleRing[config.seasonSlots()];
    for (int i = 0; i < slots.length; i++) {
      slots[i] = DoubleRing.read(in);
    }
    return new SeasonalProfileDetector(config, slots, DoubleRing.read(in));
  }
}
