package io.beastmode.proposals;

import java.util.Map;

/**
 * A state in parts, for a key-value store written after every input: the core (everything but the per-series window
 * history) and series parts keyed {@code DIMENSION|key}. In a drain (changes since the last one) a null series value
 * is a deletion; to restore, every stored series part, none null.
 */
public record StateParts(byte[] core, Map<String, byte[]> series) {
}
