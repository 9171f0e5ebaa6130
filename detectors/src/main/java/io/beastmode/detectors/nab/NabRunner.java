package io.beastmode.detectors.nab;

import io.beastmode.detectors.DetectorConfig;
import io.beastmode.detectors.Detectors;
import io.beastmode.detectors.StreamingDetector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Runs a detector over every NAB data file under a folder (category folders of timestamp,value CSVs, keyed
 * "category/file.csv" as in the labels), optionally writes NAB-format results, and scores them for every profile.
 */
public final class NabRunner {

  private final Supplier<StreamingDetector> detectorFactory;
  private final List<NabProfile> profiles;

  /** Our default detector under NAB's three standard profiles. */
  public NabRunner() {
    this(Detectors::createDefault, NabProfile.defaults());
  }

  public NabRunner(Supplier<StreamingDetector> detectorFactory, List<NabProfile> profiles) {
    this.detectorFactory = detectorFactory;
    this.profiles = List.copyOf(profiles);
  }

  /**
   * Detects, writes and scores.
   *
   * @param threshold fixes the alert threshold for every profile; when empty each profile's threshold is optimised
   * @param outDir where to write results as outDir/category/file.csv; nothing is written when empty
   */
  public NabReport run(Path dataDir, Path labelsFile, OptionalDouble threshold, Optional<Path> outDir)
      throws IOException {
    Map<String, List<AnomalyWindow>> windows = NabLabels.loadWindows(labelsFile);
    List<NabSeries> results = detect(loadData(dataDir, windows.keySet().stream().toList()));
    if (outDir.isPresent()) {
      for (NabSeries series : results) {
        NabCsv.writeResults(outDir.get().resolve(series.key()), series, windows.get(series.key()));
      }
    }
    return score(results, windows, threshold);
  }

  /** Reads every labelled CSV under dataDir; files without labels are skipped because they cannot be scored. */
  public static List<NabSeries> loadData(Path dataDir, List<String> labelledKeys) throws IOException {
    List<NabSeries> series = new ArrayList<>();
    try (Stream<Path> paths = Files.walk(dataDir)) {
      for (Path csv : paths.filter(p -> p.toString().endsWith(".csv")).sorted().toList()) {
        String key = dataDir.relativize(csv).toString().replace('\\', '/');
        if (labelledKeys.contains(key)) {
          series.add(NabCsv.read(csv, key));
        }
      }
    }
    if (series.isEmpty()) {
      throw new IOException("no labelled timestamp,value CSV under " + dataDir);
    }
    return series;
  }

  /** Runs a fresh detector over each series, in parallel since series are independent. */
  public List<NabSeries> detect(List<NabSeries> data) {
    return data.parallelStream().map(this::detect).toList();
  }

  private NabSeries detect(NabSeries data) {
    StreamingDetector detector = detectorFactory.get();
    double[] scores = new double[data.size()];
    for (int i = 0; i < data.size(); i++) {
      scores[i] = detector.update(NabCsv.epochMillis(data.timestamps().get(i)), data.values()[i]).score();
    }
    return data.withAnomalyScores(scores);
  }

  /** Scores detector results for every profile, at the fixed threshold or at each profile's best one. */
  public NabReport score(List<NabSeries> results, Map<String, List<AnomalyWindow>> windows,
      OptionalDouble threshold) {
    List<NabScorer.PreparedFile> prepared =
        results.stream().map(r -> NabScorer.prepare(r, windows.get(r.key()))).toList();
    Map<String, List<NabScorer.PreparedFile>> byCategory = prepared.stream()
        .collect(Collectors.groupingBy(f -> categoryOf(f.key()), TreeMap::new, Collectors.toList()));
    List<NabReport.ProfileResult> profileResults = new ArrayList<>();
    for (NabProfile profile : profiles) {
      NabScorer.CorpusScore corpus = threshold.isPresent()
          ? NabScorer.scoreCorpus(prepared, profile, threshold.getAsDouble())
          : NabScorer.optimiseThreshold(prepared, profile);
      Map<String, Double> categoryScores = new TreeMap<>();
      byCategory.forEach((category, files) -> categoryScores.put(category,
          NabScorer.scoreCorpus(files, profile, corpus.threshold()).normalisedScore()));
      profileResults.add(new NabReport.ProfileResult(profile.name(), corpus.threshold(), threshold.isEmpty(),
          corpus.normalisedScore(), corpus.rawScore(), categoryScores, corpus.files()));
    }
    String name = detectorFactory.get().name();
    return new NabReport(name, results.size(), profileResults);
  }

  static String categoryOf(String key) {
    int slash = key.indexOf('/');
    return slash < 0 ? "" : key.substring(0, slash);
  }

  /**
   * Usage: NabRunner --data DIR --labels FILE [--threshold T] [--out DIR] [--json]. Without --threshold the
   * detector's calibrated default is used; "--threshold optimise" searches per profile instead.
   */
  public static void main(String[] args) throws IOException {
    Path data = null;
    Path labels = null;
    OptionalDouble threshold = OptionalDouble.of(DetectorConfig.defaults().alertThreshold());
    Optional<Path> out = Optional.empty();
    boolean json = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--data" -> data = Path.of(args[++i]);
        case "--labels" -> labels = Path.of(args[++i]);
        case "--threshold" -> {
          String value = args[++i];
          threshold = value.equals("optimise") ? OptionalDouble.empty() : OptionalDouble.of(Double.parseDouble(value));
        }
        case "--out" -> out = Optional.of(Path.of(args[++i]));
        case "--json" -> json = true;
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (data == null || labels == null) {
      System.err.println("usage: NabRunner --data DIR --labels FILE [--threshold T|optimise] [--out DIR] [--json]");
      System.exit(2);
    }
    NabReport report = new NabRunner().run(data, labels, threshold, out);
    System.out.println(json ? report.toJson() : report.toDetailedText());
  }
}
