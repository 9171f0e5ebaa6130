package io.beastmode.detectors.nab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beastmode.detectors.DetectorConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our default detector on the NAB files of the shared data, at its calibrated default threshold. */
class NabRunnerTest {

  @Test
  void defaultDetectorScoresAtLeast56OnTheStandardProfileAndWritesNabResults(@TempDir Path out) throws IOException {
    Path nab = NabTestData.nabRoot();
    NabReport report = new NabRunner().run(nab.resolve("data"), NabTestData.windowsFile(nab),
        OptionalDouble.of(DetectorConfig.DEFAULT_ALERT_THRESHOLD), Optional.of(out));

    // 57.1 at the default threshold; the floor leaves about one detection of margin.
    assertThat(report.profile("standard").normalisedScore()).isGreaterThanOrEqualTo(56.0);
    assertThat(report.profile("standard").threshold()).isEqualTo(DetectorConfig.DEFAULT_ALERT_THRESHOLD);
    assertThat(report.profiles()).hasSize(3);
    assertThat(report.profile("standard").categoryScores()).containsKeys("realAWSCloudwatch", "realKnownCause");
    assertThat(report.toText()).startsWith("standard ").contains("reward_low_FP_rate ", "reward_low_FN_rate ");

    // Written results read back as NAB results and score the same.
    Path written = out.resolve("realKnownCause").resolve("nyc_taxi.csv");
    assertThat(Files.readAllLines(written).get(0)).isEqualTo("timestamp,value,anomaly_score,label");
    NabSeries reread = NabCsv.read(written, "realKnownCause/nyc_taxi.csv");
    NabScorer.FileScore rescored = NabScorer.score(
        NabScorer.prepare(reread, NabLabels.loadWindows(NabTestData.windowsFile(nab)).get(reread.key())),
        NabProfile.STANDARD, DetectorConfig.DEFAULT_ALERT_THRESHOLD);
    NabScorer.FileScore reported = report.profile("standard").files().stream()
        .filter(f -> f.key().equals(reread.key())).findFirst().orElseThrow();
    assertThat(rescored.score()).isEqualTo(reported.score());

    JsonNode json = new ObjectMapper().readTree(report.toJson());
    assertThat(json.path("profiles").get(0).path("files")).hasSize(report.files());
  }

  @Test
  void optimisingTheThresholdNeverScoresBelowTheFixedDefault() throws IOException {
    Path nab = NabTestData.nabRoot();
    NabRunner runner = new NabRunner();
    var windows = NabLabels.loadWindows(NabTestData.windowsFile(nab));
    var results = runner.detect(NabRunner.loadData(nab.resolve("data"), windows.keySet().stream().toList()));
    NabReport fixed = runner.score(results, windows, OptionalDouble.of(DetectorConfig.DEFAULT_ALERT_THRESHOLD));
    NabReport optimised = runner.score(results, windows, OptionalDouble.empty());
    for (NabProfile profile : NabProfile.defaults()) {
      assertThat(optimised.profile(profile.name()).normalisedScore())
          .isGreaterThanOrEqualTo(fixed.profile(profile.name()).normalisedScore() - 1e-9);
    }
  }
}
