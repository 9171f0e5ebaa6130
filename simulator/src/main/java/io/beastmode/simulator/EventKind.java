package io.beastmode.simulator;

import io.beastmode.schemas.Topics;

/** The four telemetry kinds and their contract topics. */
public enum EventKind {
    REQUEST(Topics.REQUESTS), CACHE(Topics.CACHE), SELECTION(Topics.SELECTION), COST(Topics.COST);

    private final String topic;

    EventKind(String topic) {
        this.topic = topic;
    }

    public String topic() {
        return topic;
    }

    /** Lower-case name used in summaries: request, cache, selection, cost. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
