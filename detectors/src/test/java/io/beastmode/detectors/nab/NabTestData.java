package io.beastmode.detectors.nab;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the shared NAB data; tests that need it are skipped, not failed, when it is absent. */
final class NabTestData {

  private NabTestData() {}

  static Path nabRoot() {
    String shared = System.getProperty("beast.shared.data");
    assumeTrue(shared != null, "system property beast.shared.data is not set");
    Path nab = Path.of(shared, "nab");
    assumeTrue(Files.isDirectory(nab.resolve("data")) && Files.isRegularFile(windowsFile(nab)),
        "NAB data absent under " + nab);
    return nab;
  }

  static Path windowsFile(Path nabRoot) {
    return nabRoot.resolve("labels").resolve("combined_windows.json");
  }
}
