package io.beastmode.proposals;

/**
 * Thresholds of the proposal engine, per rule. {@link #defaults()} documents and justifies every default; tests and
 * deployments override single values with the {@code with*} methods.
 *
 * @param historyWindows      windows of evidence kept per series (bounded state): 30 one-minute windows is half an
 *                            hour, enough for a few hundred quality samples per model at modest traffic
 * @param windowSizeMs        only snapshots of this length are used (0: any). The 5-minute hopping windows overlap,
 *                            so feeding them with the tumbling ones would count every event five times over
 * @param confidenceLevel     1 - alpha of every proposal test (0.95)
 * @param seriesIdleMs        a series that sent nothing for this long is dropped from the state (2 h)
 * @param cooldownMs          after a REJECTED or ROLLED_BACK ack the same proposal is not made again for this long (6 h)
 */
public record ProposalConfig(int historyWindows, long windowSizeMs, double confidenceLevel, long seriesIdleMs,
                             long cooldownMs, Reroute reroute, Fallback fallback, Cache cache, Budget budget,
                             Outcome outcome) {

    static final long MINUTE = 60_000L;
    static final long HOUR = 60 * MINUTE;

    /**
     * @param qualityTolerance non-inferiority margin in absolute quality (0.02 = two accuracy points). Tighter than
     *                         the 0.05 selection-accuracy tolerance of the metrics, because a reroute moves a whole
     *                         request type at once; two points is about the spread of a model's accuracy between
     *                         reruns of one benchmark, i.e. the smallest drop that is more than noise
     * @param minSamples       judged answers required per model before testing (100: the normal approximation of the
     *                         two-proportion test is reasonable with n*p*(1-p) >= 10 for p up to 0.9)
     * @param dominantShare    model A must serve at least this share of the type's traffic (0.5: "mostly")
     * @param minCostSavingPct B must be at least this much cheaper per request (10%): smaller savings do not pay
     *                         for the risk of a change
     */
    public record Reroute(double qualityTolerance, long minSamples, double dominantShare, double minCostSavingPct,
                          long ttlMs, RolloutPlan rollout) {
    }

    /**
     * @param minScore             anomaly score from which a signal counts (0.5)
     * @param baselineWindows      windows before the anomaly used as its baseline for the confirmation test (10)
     * @param minBaselineWindows   fewer baseline windows: the anomaly signal alone decides (3)
     * @param healthyWindowsToLift consecutive healthy windows before the fallback is lifted (3), so one good minute
     *                             in a flapping incident does not send traffic back
     * @param staleAnomalyWindows  a flagged series with no anomaly signal for this many windows counts as recovered
     *                             (10): a safety net for detectors that miss a recovery
     */
    public record Fallback(double minScore, int baselineWindows, int minBaselineWindows, int recentWindows,
                           int healthyWindowsToLift, int staleAnomalyWindows, long ttlMs, RolloutPlan rollout) {
    }

    /**
     * @param minMisses           misses (MISS + EXPIRED) in the history before any cache rule judges a namespace (50)
     * @param expiredShareMin     EXPIRED must be more than this share of the misses (0.5: "mostly")
     * @param minRerequestedShare of the EXPIRED lookups at least this share must be on keys requested again (0.25);
     *                            otherwise a longer TTL only keeps dead entries
     * @param ttlExtensionFactor  new TTL = old TTL times this when the age of expired entries is unknown (2)
     * @param maxTtlMs            never propose a TTL above this (24 h)
     * @param warmKeys            at most this many keys to warm (20)
     * @param minKeyMisses        a key must have missed at least this often to be worth warming (5)
     * @param warmMinShare        the warmed keys must hold more than this share of all misses (0.2)
     * @param thresholdBuckets    near-threshold buckets counted as "just below" (2 buckets of 0.01 = within 0.02)
     * @param minNearMisses       near-threshold misses required before judging their clustering (30)
     * @param minClusterShare     share of near misses in those buckets required besides significance (0.4; a
     *                            uniform spread gives 0.2)
     */
    public record Cache(long minMisses, double expiredShareMin, double minRerequestedShare, double ttlExtensionFactor,
                        long maxTtlMs, int warmKeys, long minKeyMisses, double warmMinShare, int thresholdBuckets,
                        long minNearMisses, double minClusterShare, long ttlMs, RolloutPlan rollout) {
    }

    /**
     * @param minWindows             windows of spend in the period before regressing (5)
     * @param defaultPeriod          budget period assumed when no {@link TenantBudget} was given (DAY)
     * @param maxDowngradeReduction  spend cuts up to this share are proposed as a downgrade to a cheaper model,
     *                               larger ones as a throttle (0.5: a cheaper model rarely saves more than half)
     */
    public record Budget(int minWindows, TenantBudget.Period defaultPeriod, double maxDowngradeReduction,
                         long minTtlMs, RolloutPlan rollout) {
    }

    /**
     * @param windows                 windows compared on each side (10)
     * @param minWindows              fewer windows with data on a side: INCONCLUSIVE (3)
     * @param alpha                   significance level of the outcome tests (0.05)
     * @param latencyMinRelChange     a latency change must also exceed this relative size to count (10%)
     * @param errorRateMinAbsChange   an error-rate change must also exceed this (0.01)
     * @param hitRateMinAbsChange     a hit-rate change must also exceed this (0.02)
     * @param costMinRelChange        a cost change must also exceed this relative size (5%)
     * @param rollbackTtlMs           how long a ROLLBACK proposal stays open (1 h)
     */
    public record Outcome(int windows, int minWindows, double alpha, double latencyMinRelChange,
                          double errorRateMinAbsChange, double hitRateMinAbsChange, double costMinRelChange,
                          long rollbackTtlMs) {
    }

    public static ProposalConfig defaults() {
        return new ProposalConfig(30, MINUTE, 0.95, 2 * HOUR, 6 * HOUR,
                new Reroute(0.02, 100, 0.5, 10.0, 6 * HOUR, new RolloutPlan(0.1, 30 * MINUTE, 1.0)),
                new Fallback(0.5, 10, 3, 3, 3, 10, HOUR, RolloutPlan.immediate()),
                new Cache(50, 0.5, 0.25, 2.0, 24 * HOUR, 20, 5, 0.2, 2, 30, 0.4, 6 * HOUR,
                        new RolloutPlan(0.25, 30 * MINUTE, 1.0)),
                new Budget(5, TenantBudget.Period.DAY, 0.5, HOUR, RolloutPlan.immediate()),
                new Outcome(10, 3, 0.05, 0.10, 0.01, 0.02, 0.05, HOUR));
    }

    public double alpha() {
        return 1.0 - confidenceLevel;
    }

    public ProposalConfig withHistoryWindows(int n) {
        return new ProposalConfig(n, windowSizeMs, confidenceLevel, seriesIdleMs, cooldownMs, reroute, fallback, cache,
                budget, outcome);
    }

    public ProposalConfig withWindowSizeMs(long ms) {
        return new ProposalConfig(historyWindows, ms, confidenceLevel, seriesIdleMs, cooldownMs, reroute, fallback,
                cache, budget, outcome);
    }

    public ProposalConfig withReroute(Reroute r) {
        return new ProposalConfig(historyWindows, windowSizeMs, confidenceLevel, seriesIdleMs, cooldownMs, r, fallback,
                cache, budget, outcome);
    }

    public ProposalConfig withFallback(Fallback f) {
        return new ProposalConfig(historyWindows, windowSizeMs, confidenceLevel, seriesIdleMs, cooldownMs, reroute, f,
                cache, budget, outcome);
    }

    public ProposalConfig withCache(Cache c) {
        return new ProposalConfig(historyWindows, windowSizeMs, confidenceLevel, seriesIdleMs, cooldownMs, reroute,
                fallback, c, budget, outcome);
    }

    public ProposalConfig withBudget(Budget b) {
        return new ProposalConfig(historyWindows, windowSizeMs, confidenceLevel, seriesIdleMs, cooldownMs, reroute,
                fallback, cache, b, outcome);
    }

    public ProposalConfig withOutcome(Outcome o) {
        return new ProposalConfig(historyWindows, windowSizeMs, confidenceLevel, seriesIdleMs, cooldownMs, reroute,
                fallback, cache, budget, o);
    }
}
