package io.beastmode.topology.model;

import io.beastmode.analytics.v1.DeadLetter;

import java.util.List;

/**
 * Result of decoding and validating one input record: either an observation with the dimension keys it fans out to,
 * or a dead letter, or {@link #READ}. Lives only between the decode step and the windows (never serialized).
 */
public record Decoded(Observation observation, List<String> dimensionKeys, DeadLetter deadLetter) {

    /**
     * Follows a record that yields no observation (a dead letter, an ignored quality feedback) to the windows: its
     * topic has been read, so it no longer holds the task's watermark back as a topic with records waiting does.
     */
    public static final Decoded READ = new Decoded(null, List.of(), null);

    public static Decoded valid(Observation observation, List<String> dimensionKeys) {
        return new Decoded(observation, List.copyOf(dimensionKeys), null);
    }

    public static Decoded dead(DeadLetter deadLetter) {
        return new Decoded(null, List.of(), deadLetter);
    }

    public boolean isDeadLetter() {
        return deadLetter != null;
    }

    public boolean isReadMarker() {
        return observation == null && deadLetter == null;
    }
}
