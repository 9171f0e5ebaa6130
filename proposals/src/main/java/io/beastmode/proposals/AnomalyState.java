package io.beastmode.proposals;

/**
 * What the engine remembers of one anomalous series: whether it is flagged now, when its current episode began and
 * the latest anomalous window, with that window's observed and expected values and score.
 */
public record AnomalyState(Dimension dimension, String key, String metric, boolean flagged, long episodeStartMs,
                           long lastAnomalyStartMs, long lastAnomalyEndMs, double observed, double expected,
                           double score) {

    /** Flagged and not stale: an anomaly signal came within {@code staleMs} of {@code nowMs}. */
    public boolean activeAt(long nowMs, long staleMs) {
        return flagged && nowMs - lastAnomalyEndMs <= staleMs;
    }
}
