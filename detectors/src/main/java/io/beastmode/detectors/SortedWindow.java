package io.beastmode.detectors;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * A sliding window that also keeps its values sorted, so a quantile costs O(1) and an update one binary search and
 * one array shift instead of a selection over the whole window.
 */
final class SortedWindow {

  private final DoubleRing ring;
  private final double[] sorted;

  SortedWindow(int capacity) {
    this.ring = new DoubleRing(capacity);
    this.sorted = new double[capacity];
  }

  int size() {
    return ring.size();
  }

  void add(double value) {
    int n = ring.size();
    if (ring.isFull()) {
      int out = indexOf(ring.recent(n - 1), n);
      System.arraycopy(sorted, out + 1, sorted, out, n - out - 1);
      n--;
    }
    int at = Arrays.binarySearch(sorted, 0, n, value);
    int insert = at >= 0 ? at : -at - 1;
    System.arraycopy(sorted, insert, sorted, insert + 1, n - insert);
    sorted[insert] = value;
    ring.add(value);
  }

  private int indexOf(double value, int n) {
    int at = Arrays.binarySearch(sorted, 0, n, value);
    if (at < 0) {
      throw new IllegalStateException("sorted view lost " + value);
    }
    return at;
  }

  /** The p-th percentile (0-100], interpolated the way Commons Math's default Percentile estimates it. */
  double percentile(double p) {
    int n = ring.size();
    if (n == 0) {
      return Double.NaN;
    }
    return interpolatedPercentile(sorted, n, p);
  }

  double min() {
    return sorted[0];
  }

  double max() {
    return sorted[ring.size() - 1];
  }

  double mean() {
    return ring.mean();
  }

  double variance() {
    return ring.variance();
  }

  /**
   * The median of |x - center|, found by walking outwards from center through the sorted values (deviations come out
   * in ascending order), so no second sort is needed.
   */
  double medianAbsoluteDeviation(double center) {
    int n = ring.size();
    int right = Arrays.binarySearch(sorted, 0, n, center);
    right = right >= 0 ? right : -right - 1;
    int left = right - 1;
    double[] ascending = new double[n / 2 + 2];
    int needed = Math.min(n, n / 2 + 2);
    for (int k = 0; k < needed; k++) {
      double leftGap = left >= 0 ? center - sorted[left] : Double.POSITIVE_INFINITY;
      double rightGap = right < n ? sorted[right] - center : Double.POSITIVE_INFINITY;
      if (leftGap <= rightGap) {
        ascending[k] = leftGap;
        left--;
      } else {
        ascending[k] = rightGap;
        right++;
      }
    }
    return interpolatedPercentile(ascending, n, 50.0);
  }

  /** The p-th percentile of n sorted values (only the lower part of the array needs to be filled for p <= 50). */
  private static double interpolatedPercentile(double[] ascending, int n, double p) {
    double position = p * (n + 1) / 100.0;
    if (position < 1) {
      return ascending[0];
    }
    if (position >= n) {
      return ascending[n - 1];
    }
    int lower = (int) Math.floor(position);
    return ascending[lower - 1] + (position - lower) * (ascending[lower] - ascending[lower - 1]);
  }

  void write(DataOutput out) throws IOException {
    ring.write(out);
  }

  /** Restores from the window's values; the sorted view is rebuilt rather than stored. */
  static SortedWindow read(DataInput in) throws IOException {
    DoubleRing stored = DoubleRing.read(in);
    SortedWindow window = new SortedWindow(stored.capacity());
    for (int i = stored.size() - 1; i >= 0; i--) {
      window.add(stored.recent(i));
    }
    return window;
  }
}
