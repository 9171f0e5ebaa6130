package io.beastmode.detectors.nab;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reads NAB data and results CSVs (columns found by header name) and writes NAB-format results. */
public final class NabCsv {

  private static final DateTimeFormatter NAB_TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private NabCsv() {}

  /** NAB writes "2014-02-26 13:45:00" in data and "2014-02-26 13:45:00.000000" in labels; both parse here. */
  public static LocalDateTime parseTimestamp(String text) {
    return LocalDateTime.parse(text.trim().replace(' ', 'T'));
  }

  public static long epochMillis(LocalDateTime timestamp) {
    return timestamp.toInstant(ZoneOffset.UTC).toEpochMilli();
  }

  /** Reads a file with at least timestamp and value columns, plus anomaly_score when present. */
  public static NabSeries read(Path csv, String key) throws IOException {
    try (BufferedReader reader = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
      String header = reader.readLine();
      if (header == null) {
        throw new IOException("empty file " + csv);
      }
      List<String> columns = Arrays.asList(header.trim().split(","));
      int timestampColumn = requireColumn(columns, "timestamp", csv);
      int valueColumn = requireColumn(columns, "value", csv);
      int scoreColumn = columns.indexOf("anomaly_score");
      List<LocalDateTime> timestamps = new ArrayList<>();
      double[] values = new double[1024];
      double[] scores = new double[1024];
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        String[] cells = line.split(",", -1);
        int row = timestamps.size();
        if (row == values.length) {
          values = Arrays.copyOf(values, row * 2);
          scores = Arrays.copyOf(scores, row * 2);
        }
        timestamps.add(parseTimestamp(cells[timestampColumn]));
        values[row] = Double.parseDouble(cells[valueColumn]);
        if (scoreColumn >= 0) {
          scores[row] = Double.parseDouble(cells[scoreColumn]);
        }
      }
      int n = timestamps.size();
      return new NabSeries(key, List.copyOf(timestamps), Arrays.copyOf(values, n),
          scoreColumn >= 0 ? Arrays.copyOf(scores, n) : null);
    }
  }

  /** Writes timestamp,value,anomaly_score,label; label is 1 inside a labelled window, as NAB's results files. */
  public static void writeResults(Path csv, NabSeries series, List<AnomalyWindow> windows) throws IOException {
    Files.createDirectories(csv.getParent());
    try (BufferedWriter out = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
      out.write("timestamp,value,anomaly_score,label\n");
      for (int i = 0; i < series.size(); i++) {
        LocalDateTime t = series.timestamps().get(i);
        boolean inWindow = windows.stream().anyMatch(w -> !t.isBefore(w.start()) && !t.isAfter(w.end()));
        out.write(NAB_TIMESTAMP.format(t) + "," + series.values()[i] + "," + series.anomalyScores()[i] + ","
            + (inWindow ? 1 : 0) + "\n");
      }
    }
  }

  private static int requireColumn(List<String> columns, String name, Path csv) throws IOException {
    int index = columns.indexOf(name);
    if (index < 0) {
      throw new IOException(csv + " has no '" + name + "' column");
    }
    return index;
  }
}
