package io.beastmode.proposals;

/** Canary share for a duration, then the full share; mirrors {@code RolloutPlan}. */
public record RolloutPlan(double canaryShare, long canaryDurationMs, double fullShare) {

    public RolloutPlan {
        if (!(canaryShare > 0 && canaryShare <= 1) || !(fullShare > 0 && fullShare <= 1) || canaryDurationMs < 0) {
            throw new IllegalArgumentException("bad rollout plan " + canaryShare + "/" + canaryDurationMs + "/"
                    + fullShare);
        }
    }

    /** Everything at once, for changes that must not wait (a degraded model, a budget about to run out). */
    public static RolloutPlan immediate() {
        return new RolloutPlan(1.0, 0, 1.0);
    }
}
