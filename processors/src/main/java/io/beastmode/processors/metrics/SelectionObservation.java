package io.beastmode.processors.metrics;

import java.util.HashMap;
import java.util.Map;

/**
 * One routing decision.
 *
 * @param observedQuality    quality of the selected model's answer in [0,1], null when not judged
 * @param candidateQualities expected or judged quality per candidate model; may be empty (then the decision is not
 *                           judged for accuracy)
 */
public record SelectionObservation(long eventTimeMs, String requestType, String selectedModel, boolean fallback,
                                   Double observedQuality, Map<String, Double> candidateQualities) {
    public SelectionObservation {
        // Immutable copy; null qualities carry no information and are dropped.
        Map<String, Double> known = new HashMap<>();
        if (candidateQualities != null) {
            candidateQualities.forEach((model, quality) -> {
                if (model != null && quality != null) {
                    known.put(model, quality);
                }
            });
        }
        candidateQualities = Map.copyOf(known);
    }
}
