package io.beastmode.detectors;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** A fixed-capacity window of the most recent values, oldest overwritten first, with a running sum. */
final class DoubleRing {

  private final double[] values;
  private int next;
  private int count;
  private double sum;

  DoubleRing(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive: " + capacity);
    }
    this.values = new double[capacity];
  }

  void add(double value) {
    if (count == values.length) {
      sum -= values[next];
    } else {
      count++;
    }
    values[next] = value;
    sum += value;
    next = (next + 1) % values.length;
  }

  int size() {
    return count;
  }

  int capacity() {
    return values.length;
  }

  boolean isFull() {
    return count == values.length;
  }

  /** The i-th most recent value, 0 being the latest. */
  double recent(int i) {
    return values[Math.floorMod(next - 1 - i, values.length)];
  }

  double mean() {
    return count == 0 ? 0.0 : sum / count;
  }

  /** Mean of the latest n values (fewer when the window holds fewer). */
  double recentMean(int n) {
    int k = Math.min(n, count);
    double s = 0;
    for (int i = 0; i < k; i++) {
      s += recent(i);
    }
    return k == 0 ? 0.0 : s / k;
  }

  /** Copies the held values, oldest first, into dest and returns how many were copied. */
  int copyTo(double[] dest) {
    for (int i = 0; i < count; i++) {
      dest[i] = recent(count - 1 - i);
    }
    return count;
  }

  double variance() {
    if (count < 2) {
      return 0.0;
    }
    double mean = mean();
    double s = 0;
    for (int i = 0; i < count; i++) {
      double d = values[i] - mean;
      s += d * d;
    }
    return s / (count - 1);
  }

  /** Writes the exact internal state, running sum included, so a restored ring computes bit-identical means. */
  void write(DataOutput out) throws IOException {
    out.writeInt(values.length);
    out.writeInt(count);
    out.writeInt(next);
    out.writeDouble(sum);
    for (int i = 0; i < count; i++) {
      out.writeDouble(values[i]);
    }
  }

  static DoubleRing read(DataInput in) throws IOException {
    DoubleRing ring = new DoubleRing(in.readInt());
    ring.count = in.readInt();
    ring.next = in.readInt();
    ring.sum = in.readDouble();
    if (ring.count < 0 || ring.count > ring.values.length || ring.next < 0 || ring.next >= ring.values.length) {
      throw new IOException("corrupt window state");
    }
    for (int i = 0; i < ring.count; i++) {
      ring.values[i] = in.readDouble();
    }
    return ring;
  }
}
