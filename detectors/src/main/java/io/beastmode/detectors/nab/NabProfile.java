package io.beastmode.detectors.nab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** A NAB application profile: the weights of true positives, false positives and missed windows. */
public record NabProfile(String name, double tpWeight, double fpWeight, double fnWeight) {

  public static final NabProfile STANDARD = new NabProfile("standard", 1.0, 0.11, 1.0);
  public static final NabProfile REWARD_LOW_FP_RATE = new NabProfile("reward_low_FP_rate", 1.0, 0.22, 1.0);
  public static final NabProfile REWARD_LOW_FN_RATE = new NabProfile("reward_low_FN_rate", 1.0, 0.11, 2.0);

  /** The three profiles of NAB's config/profiles.json, so callers need no config file. */
  public static List<NabProfile> defaults() {
    return List.of(STANDARD, REWARD_LOW_FP_RATE, REWARD_LOW_FN_RATE);
  }

  /** Reads a NAB profiles.json ({"name": {"CostMatrix": {"tpWeight": ..}}}), keeping the file's order. */
  public static List<NabProfile> load(Path profilesJson) throws IOException {
    JsonNode root = new ObjectMapper().readTree(profilesJson.toFile());
    List<NabProfile> profiles = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      JsonNode costs = entry.getValue().path("CostMatrix");
      profiles.add(new NabProfile(entry.getKey(),
          costs.path("tpWeight").asDouble(), costs.path("fpWeight").asDouble(), costs.path("fnWeight").asDouble()));
    }
    return profiles;
  }
}
