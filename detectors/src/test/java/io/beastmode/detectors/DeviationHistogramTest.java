package io.beastmode.detectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The forgetting histogram answers high quantiles like a sorted window of the same memory, in constant space. */
class DeviationHistogramTest {

  @Test
  void highQuantilesMatchAnExactWindowWithinABinWidth() {
    Random random = new Random(11);
    DeviationHistogram histogram = new DeviationHistogram(1_000_000); // practically no forgetting
    SortedWindow exact = new SortedWindow(20_000);
    for (int i = 0; i < 20_000; i++) {
      double deviation = Math.abs(random.nextGaussian()) * 3;
      histogram.add(deviation);
      exact.add(deviation);
    }
    for (double p : new double[] {50, 90, 99, 99.5}) {
      double expected = exact.percentile(p);
      assertThat(histogram.percentile(p)).as("p%s", p).isCloseTo(expected, within(0.04 * expected));
    }
    assertThat(histogram.count()).isEqualTo(20_000);
  }

  @Test
  void oldObservationsAreForgotten() {
    DeviationHistogram histogram = new DeviationHistogram(500);
    for (int i = 0; i < 2_000; i++) {
      histogram.add(50.0); // a noisy past
    }
    for (int i = 0; i < 5_000; i++) {
      histogram.add(1.0); // ten memories of calm
    }
    assertThat(histogram.percentile(99.5)).isCloseTo(1.0, within(0.06));
  }

  @Test
  void stateRoundTripsAndStaysSmall() throws IOException {
    DeviationHistogram histogram = new DeviationHistogram(4000);
    Random random = new Random(12);
    for (int i = 0; i < 100_000; i++) { // long enough to rescale the weights several times
      histogram.add(Math.exp(random.nextGaussian() * 2));
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    histogram.write(new DataOutputStream(bytes));
    assertThat(bytes.size()).isLessThan(4_000);
    DeviationHistogram restored =
        DeviationHistogram.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    for (double p : new double[] {50, 99, 99.5, 100}) {
      assertThat(restored.percentile(p)).isEqualTo(histogram.percentile(p));
    }
    histogram.add(3.0);
    restored.add(3.0);
    assertThat(restored.percentile(99.5)).isEqualTo(histogram.percentile(99.5));
    assertThat(restored.count()).isEqualTo(histogram.count());
  }
}
