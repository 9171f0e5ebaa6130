package io.beastmode.topology.model;

import io.beastmode.analytics.v1.DeadLetter;

import java.util.List;

/**
 * Result of decoding and validating one input record: either an observation with the dimension keys it fans out to,
 * or a dead letter. Lives only between the decode step and the branch that follows it (never serialized).
 */
public record Decoded(Observation observation, List<String> dimensionKeys, DeadLetter deadLetter) {

    public static Decoded valid(Observation observation, List<String> dimensionKeys) {
        return new Decoded(observation, List.copyOf(dimensionKeys), null);
    }

    public static Decoded dead(DeadLetter deadLetter) {
        return new Decoded(null, List.of(), deadLetter);
    }

    public boolean isDeadLetter() {
        return deadLetter != null;
    }
}
