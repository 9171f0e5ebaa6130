package io.beastmode.detectors.nab;

import java.time.LocalDateTime;
import java.util.List;

/**
 * One NAB file: its label key ("category/file.csv"), timestamps and values, and the anomaly scores when the file is
 * a detector's results file (null for a raw data file).
 */
public record NabSeries(String key, List<LocalDateTime> timestamps, double[] values, double[] anomalyScores) {

  public int size() {
    return timestamps.size();
  }

  public String category() {
    int slash = key.indexOf('/');
    return slash < 0 ? "" : key.substring(0, slash);
  }

  public NabSeries withAnomalyScores(double[] scores) {
    if (scores.length != size()) {
      throw new IllegalArgumentException("expected " + size() + " scores, got " + scores.length);
    }
    return new NabSeries(key, timestamps, values, scores);
  }
}
