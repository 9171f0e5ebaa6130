package io.beastmode.detectors.nab;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The outcome of a NAB run: per profile the threshold, normalised score, per-category and per-file figures. */
public record NabReport(String detector, int files, List<ProfileResult> profiles) {

  /**
   * One profile's result.
   *
   * @param thresholdOptimised true when the threshold was searched for, false when it was fixed by the caller
   * @param categoryScores normalised score of each category folder, over that category's files alone
   */
  public record ProfileResult(String profile, double threshold, boolean thresholdOptimised, double normalisedScore,
      double rawScore, Map<String, Double> categoryScores, List<NabScorer.FileScore> files) {}

  public ProfileResult profile(String name) {
    return profiles.stream().filter(p -> p.profile().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no profile " + name));
  }

  /** One line per profile, e.g. "standard 57.3". */
  public String toText() {
    return profiles.stream().map(p -> String.format(Locale.ROOT, "%s %.1f", p.profile(), p.normalisedScore()))
        .collect(Collectors.joining("\n"));
  }

  /** The profile lines, then the threshold and per-category scores of each profile. */
  public String toDetailedText() {
    StringBuilder text = new StringBuilder(toText()).append('\n');
    for (ProfileResult p : profiles) {
      text.append(String.format(Locale.ROOT, "%s: threshold %.6f%s, raw %.3f%n", p.profile(), p.threshold(),
          p.thresholdOptimised() ? " (optimised)" : " (fixed)", p.rawScore()));
      p.categoryScores().forEach((category, score) ->
          text.append(String.format(Locale.ROOT, "  %-20s %.1f%n", category, score)));
    }
    return text.toString();
  }

  public String toJson() {
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
