package io.beastmode.detectors.nab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Proves the scorer against NAB's published numbers: re-scoring the Numenta HTM raw outputs at the published threshold
 * must give the published per-file Score, TP, TN, FP and FN, and the published per-file scores of several detectors
 * must normalise to their published standing on the files present here.
 */
class NabScorerReproducesPublishedScoresTest {

  static Stream<NabProfile> profiles() {
    return NabProfile.defaults().stream();
  }

  @ParameterizedTest
  @MethodSource("profiles")
  void numentaRawResultsReproducePublishedPerFileFigures(NabProfile profile) throws IOException {
    Path nab = NabTestData.nabRoot();
    Path resultsDir = nab.resolve("results").resolve("numenta");
    Path published = resultsDir.resolve("numenta_" + profile.name() + "_scores.csv");
    assumeTrue(Files.isRegularFile(published), "no published scores " + published);
    Map<String, List<AnomalyWindow>> windows = NabLabels.loadWindows(NabTestData.windowsFile(nab));

    int compared = 0;
    for (PublishedRow row : PublishedRow.read(published)) {
      int slash = row.file().indexOf('/');
      Path raw = resultsDir.resolve(row.file().substring(0, slash))
          .resolve("numenta_" + row.file().substring(slash + 1));
      if (!Files.isRegularFile(raw)) {
        continue;
      }
      NabScorer.PreparedFile prepared =
          NabScorer.prepare(NabCsv.read(raw, row.file()), windows.get(row.file()));
      NabScorer.FileScore ours = NabScorer.score(prepared, profile, row.threshold());

      assertThat(ours.score()).as("score of %s", row.file()).isCloseTo(row.score(), within(1e-6));
      assertThat(new int[] {ours.tp(), ours.tn(), ours.fp(), ours.fn(), ours.total()})
          .as("TP, TN, FP, FN, total of %s", row.file())
          .containsExactly(row.tp(), row.tn(), row.fp(), row.fn(), row.total());
      compared++;
    }
    assertThat(compared).as("files compared").isGreaterThanOrEqualTo(24);
  }

  @ParameterizedTest
  @MethodSource("profiles")
  void publishedPerFileScoresNormaliseToTheirStandingOnTheseFiles(NabProfile profile) throws IOException {
    Path nab = NabTestData.nabRoot();
    Map<String, List<AnomalyWindow>> windows = NabLabels.loadWindows(NabTestData.windowsFile(nab));
    List<NabScorer.PreparedFile> scoredFiles = new ArrayList<>();
    Set<String> present = presentDataFiles(nab.resolve("data"));
    for (String key : present) {
      // Only the window layout matters for normalisation; constant scores stand in for a detector.
      NabSeries data = NabCsv.read(nab.resolve("data").resolve(key), key);
      scoredFiles.add(NabScorer.prepare(data.withAnomalyScores(new double[data.size()]), windows.get(key)));
    }
    Map<String, Double> expectedStandard = Map.of("numenta", 66.5, "windowedGaussian", 24.3, "ARTime", 67.3,
        "null", 0.0);
    for (String detector : expectedStandard.keySet()) {
      Path published = nab.resolve("results").resolve(detector).resolve(detector + "_" + profile.name() + "_scores.csv");
      assumeTrue(Files.isRegularFile(published));
      double raw = PublishedRow.read(published).stream().filter(r -> present.contains(r.file()))
          .mapToDouble(PublishedRow::score).sum();
      double normalised = NabScorer.normalise(raw, scoredFiles, profile);
      if (profile.equals(NabProfile.STANDARD)) {
        assertThat(normalised).as(detector).isCloseTo(expectedStandard.get(detector), within(0.05));
      } else {
        assertThat(normalised).as(detector).isBetween(-100.0, 100.0);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("profiles")
  void optimisedThresholdScoresAtLeastThePublishedThreshold(NabProfile profile) throws IOException {
    Path nab = NabTestData.nabRoot();
    Map<String, List<AnomalyWindow>> windows = NabLabels.loadWindows(NabTestData.windowsFile(nab));
    Path resultsDir = nab.resolve("results").resolve("numenta");
    Path published = resultsDir.resolve("numenta_" + profile.name() + "_scores.csv");
    assumeTrue(Files.isRegularFile(published));
    List<NabScorer.PreparedFile> files = new ArrayList<>();
    double publishedThreshold = Double.NaN;
    for (PublishedRow row : PublishedRow.read(published)) {
      int slash = row.file().indexOf('/');
      Path raw = resultsDir.resolve(row.file().substring(0, slash))
          .resolve("numenta_" + row.file().substring(slash + 1));
      if (Files.isRegularFile(raw)) {
        files.add(NabScorer.prepare(NabCsv.read(raw, row.file()), windows.get(row.file())));
        publishedThreshold = row.threshold();
      }
    }
    assumeTrue(!files.isEmpty());
    NabScorer.CorpusScore atPublished = NabScorer.scoreCorpus(files, profile, publishedThreshold);
    NabScorer.CorpusScore optimised = NabScorer.optimiseThreshold(files, profile);
    // The sweep must find a total at least as good as any fixed threshold, and its reported total must be the one
    // that re-scoring at the chosen threshold gives.
    assertThat(optimised.rawScore()).isGreaterThanOrEqualTo(atPublished.rawScore() - 1e-9);
    assertThat(NabScorer.scoreCorpus(files, profile, optimised.threshold()).rawScore())
        .isCloseTo(optimised.rawScore(), within(1e-9));
  }

  static Set<String> presentDataFiles(Path dataDir) throws IOException {
    Set<String> keys = new LinkedHashSet<>();
    try (Stream<Path> paths = Files.walk(dataDir)) {
      paths.filter(p -> p.toString().endsWith(".csv")).sorted()
          .forEach(p -> keys.add(dataDir.relativize(p).toString().replace('\\', '/')));
    }
    return keys;
  }

  /** One row of a NAB <detector>_<profile>_scores.csv. */
  record PublishedRow(String file, double threshold, double score, int tp, int tn, int fp, int fn, int total) {

    static List<PublishedRow> read(Path csv) throws IOException {
      List<String> lines = Files.readAllLines(csv);
      List<String> header = List.of(lines.get(0).split(","));
      Map<String, Integer> column = new HashMap<>();
      for (int i = 0; i < header.size(); i++) {
        column.put(header.get(i), i);
      }
      List<PublishedRow> rows = new ArrayList<>();
      for (String line : lines.subList(1, lines.size())) {
        String[] c = line.split(",", -1);
        if (c[0].equals("Totals") || c[column.get("File")].isEmpty()) {
          continue;
        }
        rows.add(new PublishedRow(c[column.get("File")], Double.parseDouble(c[column.get("Threshold")]),
            Double.parseDouble(c[column.get("Score")]), Integer.parseInt(c[column.get("TP")]),
            Integer.parseInt(c[column.get("TN")]), Integer.parseInt(c[column.get("FP")]),
            Integer.parseInt(c[column.get("FN")]), Integer.parseInt(c[column.get("Total_Count")])));
      }
      return rows;
    }
  }
}
