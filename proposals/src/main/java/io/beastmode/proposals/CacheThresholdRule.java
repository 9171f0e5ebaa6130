package io.beastmode.proposals;

import io.beastmode.processors.metrics.MetricsSnapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * CACHE move_threshold: semantic misses cluster just below the similarity threshold. The near-threshold histogram
 * (bucket i holds misses with threshold - similarity in [i*w, (i+1)*w)) is pooled over the retained windows; the
 * share of its misses in the first {@code thresholdBuckets} buckets is tested against the share a uniform spread
 * would give (buckets / histogram length) with an exact one-sided binomial test, and must also reach
 * {@code minClusterShare}. The proposal lowers the threshold by those buckets' width, which turns exactly the
 * clustered near misses into hits. Judging hits as wrong (to raise it) needs hit correctness the metrics lack.
 */
public final class CacheThresholdRule extends CacheRule {

    static final String SLOT = "move_threshold";

    @Override
    public String name() {
        return "cache-threshold";
    }

    @Override
    public List<Draft> evaluate(RuleContext ctx, Dimension dimension, String key) {
        if (!"SEMANTIC".equals(SeriesKey.head(key))) {
            return List.of();
        }
        ProposalConfig.Cache cfg = ctx.config().cache();
        List<MetricsSnapshot> windows = ctx.windows(Dimension.CACHE_TIER_NAMESPACE, key);
        long[] histogram = null;
        double width = 0;
        for (MetricsSnapshot w : windows) {
            if (w.cache() == null || w.cache().nearThresholdMisses().isEmpty()) {
                continue;
            }
            List<Long> h = w.cache().nearThresholdMisses();
            if (histogram == null) {
                histogram = new long[h.size()];
            }
            for (int i = 0; i < Math.min(h.size(), histogram.length); i++) {
                histogram[i] += h.get(i);
            }
            width = w.cache().nearThresholdBucketWidth();
        }
        int buckets = cfg.thresholdBuckets();
        if (histogram == null || buckets >= histogram.length || width <= 0) {
            return List.of();
        }
        long total = 0, near = 0;
        for (int i = 0; i < histogram.length; i++) {
            total += histogram[i];
            if (i < buckets) {
                near += histogram[i];
            }
        }
        if (total < cfg.minNearMisses()) {
            return List.of();
        }
        double share = (double) near / total;
        double uniformShare = (double) buckets / histogram.length;
        if (share < cfg.minClusterShare()) {
            return List.of();
        }
        Stats.Result test = Stats.binomialGreater(near, total, uniformShare);
        if (test.pValue() >= ctx.config().alpha()) {
            return List.of();
        }
        double delta = buckets * width;
        Double current = CacheRules.latest(ctx.cacheDetails(key), CacheMissDetail::semanticThreshold);
        TreeMap<String, String> params = new TreeMap<>();
        params.put("tier", SeriesKey.head(key));
        params.put("namespace", SeriesKey.tail(key));
        params.put("thresholdDelta", Fmt.num(-delta));
        List<String> identity = new ArrayList<>(List.of("thresholdDelta"));
        if (current != null) {
            params.put("currentThreshold", Fmt.num(current));
            params.put("threshold", Fmt.num(current - delta));
            identity.add("threshold");
        }
        CacheRules.Totals t = CacheRules.Totals.of(windows);
        List<Evidence> evidence = List.of(
                new Evidence("cache.nearThresholdShare", key, share, uniformShare, total, t.start(), t.end()),
                new Evidence("cache.nearThresholdMisses", key, near, null, total, t.start(), t.end()));
        Double hitRateDelta = t.considered() == 0 ? null : (double) near / t.considered();
        return List.of(new Draft(ProposalKind.CACHE, CacheRules.target(key), SLOT, "move_threshold", params, identity,
                evidence, new ExpectedImpact(null, null, null, hitRateDelta),
                new Confidence(test.test(), test.statistic(), test.pValue(), ctx.config().confidenceLevel()),
                cfg.rollout(), ctx.now(), cfg.ttlMs(), false));
    }
}
