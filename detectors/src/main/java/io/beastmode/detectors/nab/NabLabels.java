package io.beastmode.detectors.nab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads NAB's labels/combined_windows.json: "category/file.csv" to its list of [start, end] windows. */
public final class NabLabels {

  private NabLabels() {}

  public static Map<String, List<AnomalyWindow>> loadWindows(Path combinedWindowsJson) throws IOException {
    JsonNode root = new ObjectMapper().readTree(combinedWindowsJson.toFile());
    Map<String, List<AnomalyWindow>> windows = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      List<AnomalyWindow> list = new ArrayList<>();
      for (JsonNode pair : entry.getValue()) {
        list.add(new AnomalyWindow(NabCsv.parseTimestamp(pair.get(0).asText()),
            NabCsv.parseTimestamp(pair.get(1).asText())));
      }
      list.sort((a, b) -> a.start().compareTo(b.start()));
      windows.put(entry.getKey(), List.copyOf(list));
    }
    return windows;
  }
}
