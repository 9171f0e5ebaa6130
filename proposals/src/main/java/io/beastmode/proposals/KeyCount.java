package io.beastmode.proposals;

/** A cache key hash and how often it missed. */
public record KeyCount(String keyHash, long count) {
}
