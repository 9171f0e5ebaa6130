package io.beastmode.detectors;

import java.io.DataOutputStream;
import java.io.IOException;

/** Holds what every detector shares: its name, its config, and the snapshot framing around its own state. */
abstract class ConfiguredDetector implements StreamingDetector {

  private final String name;
  private final DetectorConfig config;

  ConfiguredDetector(String name, DetectorConfig config) {
    this.name = name;
    this.config = config;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final DetectorConfig config() {
    return config;
  }

  @Override
  public final byte[] toBytes() {
    return Detectors.toBytes(config, this::writeState);
  }

  /** Appends this detector's state after the common header. */
  abstract void writeState(DataOutputStream out) throws IOException;
}
