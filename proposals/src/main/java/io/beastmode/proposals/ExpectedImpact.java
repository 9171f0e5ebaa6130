package io.beastmode.proposals;

/** Expected deltas (after - before) if a proposal is applied; null when the proposal does not move that metric. */
public record ExpectedImpact(Double latencyP95DeltaMs, Double costDeltaPct, Double qualityDelta, Double hitRateDelta) {

    public static final ExpectedImpact NONE = new ExpectedImpact(null, null, null, null);
}
