package io.beastmode.detectors;

/**
 * An online anomaly detector for one metric series. Observations arrive in time order, one at a time; all state is
 * bounded and can be snapshotted to bytes (for a key-value store) and restored with {@link Detectors#fromBytes}.
 * Implementations are not thread-safe: keep one instance per series.
 */
public interface StreamingDetector {

  /** Learns from the observation and scores it against what was learned before it. */
  DetectionResult update(long timestampMs, double value);

  /** The detector's name, carried on every result. */
  String name();

  /** The configuration this detector was built from. */
  DetectorConfig config();

  /** Serialises the full state; {@link Detectors#fromBytes} restores a detector that scores identically. */
  byte[] toBytes();
}
