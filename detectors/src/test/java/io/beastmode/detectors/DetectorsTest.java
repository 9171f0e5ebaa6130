package io.beastmode.detectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every detector on hand-made series: spikes and steps stand out, regular seasonality does not, state round-trips. */
class DetectorsTest {

  private static final long FIVE_MINUTES = 5 * 60 * 1000L;

  static Stream<DetectorConfig> allKinds() {
    return Stream.of(DetectorConfig.defaults(), DetectorConfig.robustZ(), DetectorConfig.seasonalDaily());
  }

  /**
   * Scoring tests switch suppression off: with it, an occasional noise alert shortly before the injected event would
   * hide the event, which is suppression working, not scoring failing (suppression has its own test).
   */
  static Stream<DetectorConfig> allKindsWithoutSuppression() {
    return allKinds().map(c -> new DetectorConfig(c.kind(), c.historySize(), c.shortWindow(),
        c.deviationHistorySize(), c.noveltyQuantile(), c.inRangeDamping(), c.alertThreshold(), 0, c.seasonSlots(),
        c.seasonPeriodMs()));
  }

  /** A daily sine wave with Gaussian noise, sampled every five minutes. */
  private static double[] dailySeries(int n, long seed) {
    Random random = new Random(seed);
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      double phase = 2 * Math.PI * (i * FIVE_MINUTES % DetectorConfig.DAY_MS) / DetectorConfig.DAY_MS;
      values[i] = 50 + 10 * Math.sin(phase) + random.nextGaussian();
    }
    return values;
  }

  private static double[] noisyConstant(int n, long seed) {
    Random random = new Random(seed);
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      values[i] = 20 + random.nextGaussian();
    }
    return values;
  }

  private static double[] scores(StreamingDetector detector, double[] values) {
    double[] scores = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      scores[i] = detector.update(i * FIVE_MINUTES, values[i]).score();
    }
    return scores;
  }

  private static double max(double[] scores, int from, int to) {
    double max = 0;
    for (int i = from; i < to; i++) {
      max = Math.max(max, scores[i]);
    }
    return max;
  }

  @ParameterizedTest
  @MethodSource("allKindsWithoutSuppression")
  void aSpikeScoresAboveTheAlertThresholdAndQuietNoiseDoesNot(DetectorConfig config) {
    double[] values = noisyConstant(3000, 1);
    values[2500] = 60; // forty standard deviations
    double[] scores = scores(Detectors.create(config), values);
    assertThat(scores[2500]).isGreaterThanOrEqualTo(config.alertThreshold());
    assertThat(alerts(scores, 1500, 2500, config)).isLessThanOrEqualTo(quietAlertBudget(config));
  }

  /**
   * The novelty detector reports the rarest deviations a series has produced, so pure noise yields an occasional
   * alert (a few per thousand observations at most, thanks to suppression); the plain detectors yield none.
   */
  private static long quietAlertBudget(DetectorConfig config) {
    return config.kind() == DetectorConfig.Kind.ROBUST_NOVELTY ? 5 : 0;
  }

  private static long alerts(double[] scores, int from, int to, DetectorConfig config) {
    return java.util.Arrays.stream(scores, from, to).filter(s -> s >= config.alertThreshold()).count();
  }

  @ParameterizedTest
  @MethodSource("allKindsWithoutSuppression")
  void aStepChangeIsFlaggedWithinAFewObservations(DetectorConfig config) {
    double[] values = noisyConstant(3000, 2);
    for (int i = 2500; i < values.length; i++) {
      values[i] += 15;
    }
    double[] scores = scores(Detectors.create(config), values);
    assertThat(max(scores, 2500, 2505)).isGreaterThanOrEqualTo(config.alertThreshold());
    assertThat(alerts(scores, 1500, 2500, config)).isLessThanOrEqualTo(quietAlertBudget(config));
  }

  @Test
  void aRegularDailySeasonWithoutAnomalyRaisesNoAlert() {
    double[] values = dailySeries(288 * 14, 3);
    for (DetectorConfig config : new DetectorConfig[] {DetectorConfig.defaults(), DetectorConfig.seasonalDaily()}) {
      double[] scores = scores(Detectors.create(config), values);
      // After a few days of learning, the daily swing is routine.
      assertThat(max(scores, 288 * 4, values.length)).as(config.kind().name()).isLessThan(config.alertThreshold());
    }
  }

  @Test
  void theSeasonalProfileExpectsTheValueUsualAtThatHour() {
    StreamingDetector detector = Detectors.create(DetectorConfig.seasonalDaily());
    double[] values = dailySeries(288 * 7, 4);
    DetectionResult last = null;
    for (int i = 0; i < values.length; i++) {
      last = detector.update(i * FIVE_MINUTES, values[i]);
    }
    double phase = 2 * Math.PI * ((values.length - 1) * FIVE_MINUTES % DetectorConfig.DAY_MS) / DetectorConfig.DAY_MS;
    // The hourly slot spans a twelfth of an hour's swing either way, so allow a couple of units.
    assertThat(last.expected()).isCloseTo(50 + 10 * Math.sin(phase), org.assertj.core.api.Assertions.within(3.0));
    assertThat(last.observed()).isEqualTo(values[values.length - 1]);
    assertThat(last.detector()).isEqualTo(detector.name());
  }

  @Test
  void theDefaultDetectorRaisesOneAlertPerIncidentNotOnePerObservation() {
    // A smooth deterministic wave, so that nothing but the incident can alert.
    double[] values = new double[3000];
    for (int i = 0; i < values.length; i++) {
      values[i] = 20 + Math.sin(i / 10.0) + (i >= 2500 && i < 2560 ? 30 : 0);
    }
    double[] scores = scores(Detectors.createDefault(), values);
    assertThat(alerts(scores, 0, 2500, DetectorConfig.defaults())).isZero();
    assertThat(alerts(scores, 2500, 2560, DetectorConfig.defaults())).isEqualTo(1);
  }

  @ParameterizedTest
  @MethodSource("allKinds")
  void stateRoundTripsThroughBytesAndScoresIdenticallyAfterwards(DetectorConfig config) {
    double[] values = dailySeries(2000, 6);
    values[1500] += 40;
    StreamingDetector original = Detectors.create(config);
    for (int i = 0; i < 1000; i++) {
      original.update(i * FIVE_MINUTES, values[i]);
    }
    StreamingDetector restored = Detectors.fromBytes(original.toBytes());
    assertThat(restored.config()).isEqualTo(config);
    for (int i = 1000; i < values.length; i++) {
      assertThat(restored.update(i * FIVE_MINUTES, values[i]))
          .isEqualTo(original.update(i * FIVE_MINUTES, values[i]));
    }
  }

  @Test
  void corruptOrForeignBytesAreRejected() {
    assertThatThrownBy(() -> Detectors.fromBytes(new byte[] {0, 0, 0, 99}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void scoresStayInTheUnitInterval() {
    double[] values = noisyConstant(2000, 7);
    values[1200] = 1e9;
    values[1300] = -1e9;
    for (int i = 1400; i < 1500; i++) {
      values[i] = 0; // a flat line
    }
    for (DetectorConfig config : allKinds().toList()) {
      for (double score : scores(Detectors.create(config), values)) {
        assertThat(score).isBetween(0.0, 1.0);
      }
    }
  }
}
