package io.beastmode.detectors;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Builds detectors from a config and restores them from the bytes of {@link StreamingDetector#toBytes()}. */
public final class Detectors {

  /** Bumped when the byte layout changes, so stale snapshots fail loudly instead of scoring garbage. */
  private static final int FORMAT_VERSION = 2;

  private Detectors() {}

  /** The pipeline's default detector. */
  public static StreamingDetector createDefault() {
    return create(DetectorConfig.defaults());
  }

  public static StreamingDetector create(DetectorConfig config) {
    return switch (config.kind()) {
      case ROBUST_Z -> new RobustZScoreDetector(config);
      case ROBUST_NOVELTY -> new RobustNoveltyDetector(config);
      case SEASONAL_PROFILE -> new SeasonalProfileDetector(config);
    };
  }

  public static StreamingDetector fromBytes(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int version = in.readInt();
      if (version != FORMAT_VERSION) {
        throw new IllegalArgumentException("unsupported detector state version " + version);
      }
      DetectorConfig config = DetectorConfig.read(in);
      return switch (config.kind()) {
        case ROBUST_Z -> RobustZScoreDetector.readState(config, in);
        case ROBUST_NOVELTY -> RobustNoveltyDetector.readState(config, in);
        case SEASONAL_PROFILE -> SeasonalProfileDetector.readState(config, in);
      };
    } catch (IOException e) {
      throw new IllegalArgumentException("corrupt detector state", e);
    }
  }

  /** Writes the common header and lets the detector append its own state. */
  static byte[] toBytes(DetectorConfig config, StateWriter state) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(FORMAT_VERSION);
      config.write(out);
      state.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  @FunctionalInterface
  interface StateWriter {
    void write(DataOutputStream out) throws IOException;
  }
}
