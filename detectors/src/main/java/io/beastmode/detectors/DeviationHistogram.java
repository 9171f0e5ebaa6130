package io.beastmode.detectors;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The distribution of a non-negative quantity (a deviation in robust standard deviations) in geometric bins, with an
 * exponential forgetting of old observations. It answers high quantiles as a sorted window of the same memory does, to
 * within a bin's width (a few percent), in constant space: a few kilobytes however long the memory.
 *
 * <p>Forgetting is lazy: instead of decaying every bin on every update, each new observation weighs 1/decay times
 * more than the previous one, and the bins are rescaled once in a while before the weights overflow.
 */
final class DeviationHistogram {

  /** Values below this fall in bin 0; they are never rare (the novelty floor is higher). */
  private static final double FIRST_EDGE = 0.25;
  /** Each bin is this much wider than the one before, so a quantile is known to within about 3%. */
  private static final double GROWTH = 1.06;
  private static final double LOG_GROWTH = Math.log(GROWTH);
  /** Up to FIRST_EDGE * GROWTH^(BINS-2), about 1e7; larger values share the last bin. */
  static final int BINS = 300;
  private static final double RESCALE_ABOVE = 1e150;

  private final double decay;
  private final double[] bins;
  private double increment;
  private double total;
  private long count;
  /** No bin above this one has ever been filled, so quantile searches from the top start here. */
  private int highestBin;

  /** @param memory the mean age, in observations, of what the histogram remembers */
  DeviationHistogram(int memory) {
    this(1.0 - 1.0 / memory, new double[BINS], 1.0, 0.0, 0L);
  }

  private DeviationHistogram(double decay, double[] bins, double increment, double total, long count) {
    this.decay = decay;
    this.bins = bins;
    this.increment = increment;
    this.total = total;
    this.count = count;
    highestBin = BINS - 1;
    while (highestBin > 0 && bins[highestBin] == 0) {
      highestBin--;
    }
  }

  /** Observations seen so far (not decayed). */
  long count() {
    return count;
  }

  void add(double value) {
    int bin = binOf(value);
    bins[bin] += increment;
    highestBin = Math.max(highestBin, bin);
    total += increment;
    count++;
    increment /= decay;
    if (increment > RESCALE_ABOVE) {
      for (int i = 0; i < BINS; i++) {
        bins[i] /= increment;
      }
      total /= increment;
      increment = 1.0;
    }
  }

  private static int binOf(double value) {
    if (!(value >= FIRST_EDGE)) {
      return 0;
    }
    int bin = 1 + (int) (Math.log(value / FIRST_EDGE) / LOG_GROWTH);
    return Math.min(bin, BINS - 1);
  }

  private static double lowerEdge(int bin) {
    return bin == 0 ? 0.0 : FIRST_EDGE * Math.pow(GROWTH, bin - 1);
  }

  /** The p-th percentile (0-100], interpolated geometrically within its bin; NaN when empty. */
  double percentile(double p) {
    if (count == 0) {
      return Double.NaN;
    }
    double above = total * (1.0 - p / 100.0);
    double seen = 0;
    for (int bin = highestBin; bin >= 0; bin--) {
      if (seen + bins[bin] >= above && bins[bin] > 0) {
        double fractionFromTop = (above - seen) / bins[bin];
        double lower = lowerEdge(bin);
        if (bin == 0) {
          return FIRST_EDGE * (1.0 - fractionFromTop);
        }
        return lower * Math.pow(GROWTH, 1.0 - fractionFromTop);
      }
      seen += bins[bin];
    }
    return 0.0;
  }

  /** Writes the non-empty bins only, so a quiet series stores a few hundred bytes. */
  void write(DataOutput out) throws IOException {
    out.writeDouble(decay);
    out.writeDouble(increment);
    out.writeDouble(total);
    out.writeLong(count);
    int used = 0;
    for (double b : bins) {
      used += b > 0 ? 1 : 0;
    }
    out.writeShort(used);
    for (int i = 0; i < BINS; i++) {
      if (bins[i] > 0) {
        out.writeShort(i);
        out.writeDouble(bins[i]);
      }
    }
  }

  static DeviationHistogram read(DataInput in) throws IOException {
    double decay = in.readDouble();
    double increment = in.readDouble();
    double total = in.readDouble();
    long count = in.readLong();
    double[] bins = new double[BINS];
    int used = in.readShort();
    for (int k = 0; k < used; k++) {
      int bin = in.readShort();
      if (bin < 0 || bin >= BINS) {
        throw new IOException("corrupt histogram state");
      }
      bins[bin] = in.readDouble();
    }
    return new DeviationHistogram(decay, bins, increment, total, count);
  }
}
