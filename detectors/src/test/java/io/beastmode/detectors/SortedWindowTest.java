package io.beastmode.detectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;
import org.junit.jupiter.api.Test;

/** The sorted sliding window must agree with Commons Math on the same window contents. */
class SortedWindowTest {

  @Test
  void percentilesAndMadMatchCommonsMathAsTheWindowSlides() {
    Random random = new Random(11);
    SortedWindow window = new SortedWindow(101);
    DoubleRing reference = new DoubleRing(101);
    RobustStats stats = new RobustStats();
    Percentile percentile = new Percentile();
    for (int i = 0; i < 1000; i++) {
      double value = random.nextInt(5) == 0 ? Math.rint(random.nextGaussian()) : random.nextGaussian() * 10;
      window.add(value);
      reference.add(value);
      double[] copy = new double[reference.size()];
      reference.copyTo(copy);
      for (double p : new double[] {1, 50, 99.5, 100}) {
        assertThat(window.percentile(p)).isCloseTo(percentile.evaluate(copy, p), within(1e-12));
      }
      double[] medianMad = stats.medianAndMad(reference);
      assertThat(window.medianAbsoluteDeviation(window.percentile(50))).isCloseTo(medianMad[1], within(1e-12));
    }
  }
}
