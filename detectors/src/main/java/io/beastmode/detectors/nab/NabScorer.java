package io.beastmode.detectors.nab;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Scores anomaly scores against labelled windows by the rules of the Numenta Anomaly Benchmark (Lavin and Ahmad 2015).
 *
 * <p>Rows before the probationary length are ignored. A window earns the true-positive weight times a scaled sigmoid
 * of the position of its earliest detection (1 at the window's left edge, falling towards 0 at its right edge); a
 * window with no detection costs the false-negative weight. Each detection outside every window costs the
 * false-positive weight times a scaled sigmoid of its distance past the preceding window (near 0 just after it, -1
 * far after it or when no window precedes). Counts (TP, TN, FP, FN) are per row, as in NAB's score files.
 */
public final class NabScorer {

  /** NAB ignores the first 15% of a file, but at most 15% of 5000 rows. */
  public static final double PROBATIONARY_PERCENT = 0.15;

  private static final double MAX_TP = scaledSigmoid(-1.0);
  private static final int NO_WINDOW = -1;

  private NabScorer() {}

  /** The number of leading rows NAB leaves unscored. */
  public static int probationaryLength(int rows) {
    return (int) Math.min(Math.floor(PROBATIONARY_PERCENT * rows), PROBATIONARY_PERCENT * 5000);
  }

  /** NAB's weighting curve: 2*sigmoid(-5x)-1, flattened to -1 from three window widths past a window. */
  static double scaledSigmoid(double relativePosition) {
    if (relativePosition >= 3.0) {
      return -1.0;
    }
    return 2.0 / (1.0 + Math.exp(5.0 * relativePosition)) - 1.0;
  }

  /**
   * Precomputes, for each scored row, its window and its profile-independent weight, so that scoring a threshold or
   * sweeping all thresholds is cheap.
   */
  public static PreparedFile prepare(NabSeries results, List<AnomalyWindow> windows) {
    if (results.anomalyScores() == null) {
      throw new IllegalArgumentException(results.key() + " has no anomaly scores");
    }
    List<LocalDateTime> timestamps = results.timestamps();
    int n = timestamps.size();
    int[] rowWindow = new int[n];
    Arrays.fill(rowWindow, NO_WINDOW);
    List<int[]> bounds = new ArrayList<>();
    for (AnomalyWindow window : windows) {
      int left = firstIndexAtOrAfter(timestamps, window.start());
      int right = firstIndexAtOrAfter(timestamps, window.end().plusNanos(1)) - 1;
      if (left <= right) {
        for (int i = left; i <= right; i++) {
          rowWindow[i] = bounds.size();
        }
        bounds.add(new int[] {left, right});
      }
    }

    int probation = probationaryLength(n);
    double[] weight = new double[n];
    int previousRight = -1;
    int previousWidth = 0;
    int nextWindow = 0;
    for (int i = 0; i < n; i++) {
      if (rowWindow[i] != NO_WINDOW) {
        int[] b = bounds.get(rowWindow[i]);
        int width = b[1] - b[0] + 1;
        weight[i] = scaledSigmoid(-(b[1] - i + 1) / (double) width) / MAX_TP;
        if (i == b[1]) {
          previousRight = b[1];
          previousWidth = width;
          nextWindow++;
        }
      } else if (previousRight < 0) {
        weight[i] = -1.0;
      } else {
        // A one-row window has no width to scale by: count the false positive as far away.
        double distance = previousWidth > 1 ? Math.abs(previousRight - i) / (double) (previousWidth - 1) : 3.0;
        weight[i] = scaledSigmoid(distance);
      }
    }

    boolean[] scoreableWindow = new boolean[bounds.size()];
    for (int i = probation; i < n; i++) {
      if (rowWindow[i] != NO_WINDOW) {
        scoreableWindow[rowWindow[i]] = true;
      }
    }
    return new PreparedFile(results.key(), n, probation, results.anomalyScores().clone(), rowWindow, weight,
        scoreableWindow);
  }

  private static int firstIndexAtOrAfter(List<LocalDateTime> timestamps, LocalDateTime t) {
    int lo = 0;
    int hi = timestamps.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (timestamps.get(mid).isBefore(t)) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Scores one file at a threshold: a row is a detection when its anomaly score is at least the threshold. */
  public static FileScore score(PreparedFile file, NabProfile profile, double threshold) {
    double[] bestTp = new double[file.windowCount()];
    boolean[] detected = new boolean[file.windowCount()];
    double fpSum = 0;
    int tp = 0;
    int tn = 0;
    int fp = 0;
    int fn = 0;
    for (int i = file.probationaryLength(); i < file.rows(); i++) {
      boolean alarm = file.scores()[i] >= threshold;
      int w = file.rowWindow()[i];
      if (w == NO_WINDOW) {
        if (alarm) {
          fp++;
          fpSum += file.weight()[i];
        } else {
          tn++;
        }
      } else if (alarm) {
        tp++;
        bestTp[w] = detected[w] ? Math.max(bestTp[w], file.weight()[i]) : file.weight()[i];
        detected[w] = true;
      } else {
        fn++;
      }
    }
    double total = fpSum * profile.fpWeight();
    for (int w = 0; w < file.windowCount(); w++) {
      if (detected[w]) {
        total += bestTp[w] * profile.tpWeight();
      } else if (file.isScoreable(w)) {
        total -= profile.fnWeight();
      }
    }
    return new FileScore(file.key(), threshold, total, tp, tn, fp, fn, file.rows());
  }

  /** Scores every file at one threshold and normalises the total. */
  public static CorpusScore scoreCorpus(List<PreparedFile> files, NabProfile profile, double threshold) {
    List<FileScore> scores = files.stream().map(f -> score(f, profile, threshold)).toList();
    double raw = scores.stream().mapToDouble(FileScore::score).sum();
    return new CorpusScore(profile, threshold, raw, normalise(raw, files, profile), scores);
  }

  /**
   * Maps a raw total to NAB's 0..100 scale over the given files: 0 for the null detector (every window missed,
   * nothing else flagged) and 100 for a perfect one (every window caught at its left edge, no false positive).
   */
  public static double normalise(double raw, List<PreparedFile> files, NabProfile profile) {
    int windows = files.stream().mapToInt(PreparedFile::scoreableWindows).sum();
    double nullScore = -profile.fnWeight() * windows;
    double perfect = profile.tpWeight() * windows;
    return windows == 0 ? 0.0 : 100.0 * (raw - nullScore) / (perfect - nullScore);
  }

  /**
   * Finds the threshold that maximises the corpus total, as NAB's optimiser does: every distinct anomaly score is a
   * candidate, swept from the highest down while the total is updated incrementally. Ties keep the higher threshold.
   */
  public static CorpusScore optimiseThreshold(List<PreparedFile> files, NabProfile profile) {
    int windowOffsetTotal = 0;
    int[] windowOffset = new int[files.size()];
    for (int f = 0; f < files.size(); f++) {
      windowOffset[f] = windowOffsetTotal;
      windowOffsetTotal += files.get(f).windowCount();
    }
    List<long[]> points = new ArrayList<>();
    for (int f = 0; f < files.size(); f++) {
      PreparedFile file = files.get(f);
      for (int i = file.probationaryLength(); i < file.rows(); i++) {
        points.add(new long[] {f, i});
      }
    }
    points.sort(Comparator.comparingDouble((long[] p) -> -files.get((int) p[0]).scores()[(int) p[1]]));

    double[] best = new double[windowOffsetTotal];
    boolean[] detected = new boolean[windowOffsetTotal];
    int scoreable = files.stream().mapToInt(PreparedFile::scoreableWindows).sum();
    double tpSum = 0;
    double fpSum = 0;
    int detectedCount = 0;
    double bestTotal = -profile.fnWeight() * scoreable; // threshold above every score: nothing flagged
    double bestThreshold = Double.POSITIVE_INFINITY;
    for (int k = 0; k < points.size(); k++) {
      PreparedFile file = files.get((int) points.get(k)[0]);
      int i = (int) points.get(k)[1];
      double weight = file.weight()[i];
      int w = file.rowWindow()[i];
      if (w == NO_WINDOW) {
        fpSum += weight;
      } else {
        int slot = windowOffset[(int) points.get(k)[0]] + w;
        if (!detected[slot]) {
          detected[slot] = true;
          detectedCount++;
          best[slot] = weight;
          tpSum += weight;
        } else if (weight > best[slot]) {
          tpSum += weight - best[slot];
          best[slot] = weight;
        }
      }
      double score = file.scores()[i];
      boolean lastOfThisScore = k + 1 == points.size()
          || files.get((int) points.get(k + 1)[0]).scores()[(int) points.get(k + 1)[1]] != score;
      if (lastOfThisScore) {
        double total = tpSum * profile.tpWeight() + fpSum * profile.fpWeight()
            - (scoreable - detectedCount) * profile.fnWeight();
        if (total > bestTotal) {
          bestTotal = total;
          bestThreshold = score;
        }
      }
    }
    return scoreCorpus(files, profile, bestThreshold);
  }

  /** A file ready for scoring: per row its anomaly score, window index (-1 outside) and NAB weight. */
  public record PreparedFile(String key, int rows, int probationaryLength, double[] scores, int[] rowWindow,
      double[] weight, boolean[] scoreableWindow) {

    public int windowCount() {
      return scoreableWindow.length;
    }

    /** A window is scored only if some of its rows lie after the probationary period. */
    boolean isScoreable(int window) {
      return scoreableWindow[window];
    }

    public int scoreableWindows() {
      int count = 0;
      for (boolean scoreable : scoreableWindow) {
        count += scoreable ? 1 : 0;
      }
      return count;
    }
  }

  /** NAB's per-file figures: the weighted score and the row counts. */
  public record FileScore(String key, double threshold, double score, int tp, int tn, int fp, int fn, int total) {}

  /** Per-file scores at one threshold, their raw total and its normalised value. */
  public record CorpusScore(NabProfile profile, double threshold, double rawScore, double normalisedScore,
      List<FileScore> files) {}
}
