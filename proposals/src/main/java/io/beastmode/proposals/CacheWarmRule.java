package io.beastmode.proposals;

import io.beastmode.processors.metrics.MetricsSnapshot;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * CACHE warm_keys: a few keys carry a large share of a namespace's misses (heavy hitters), so pre-loading them pays.
 * Needs the per-window top missed key hashes of {@link CacheMissDetail} (the snapshot has no key list): their counts
 * are summed over the retained windows, keys with at least {@code minKeyMisses} are ranked, and the top
 * {@code warmKeys} are proposed when their share of all misses of the same span is significantly above
 * {@code warmMinShare} (exact one-sided binomial test).
 */
public final class CacheWarmRule extends CacheRule {

    static final String SLOT = "warm_keys";
    /** Key sets that overlap at least this much (Jaccard) are the same proposal: heavy hitters churn at the tail. */
    static final double SAME_KEYS_OVERLAP = 0.5;

    @Override
    public String name() {
        return "cache-warm";
    }

    @Override
    public List<Draft> evaluate(RuleContext ctx, Dimension dimension, String key) {
        ProposalConfig.Cache cfg = ctx.config().cache();
        List<CacheMissDetail> details = ctx.cacheDetails(key);
        if (details.isEmpty()) {
            return List.of();
        }
        long since = details.get(0).windowStartMs();
        long until = details.get(details.size() - 1).windowEndMs();
        List<MetricsSnapshot> windows = ctx.windows(Dimension.CACHE_TIER_NAMESPACE, key).stream()
                .filter(w -> w.windowStartMs() >= since && w.windowEndMs() <= until).toList();
        CacheRules.Totals t = CacheRules.Totals.of(windows);
        if (t.allMisses() < cfg.minMisses()) {
            return List.of();
        }
        TreeMap<String, Long> counts = new TreeMap<>();
        for (CacheMissDetail d : details) {
            for (KeyCount k : d.topMissedKeys()) {
                counts.merge(k.keyHash(), k.count(), Long::sum);
            }
        }
        List<Map.Entry<String, Long>> top = counts.entrySet().stream()
                .filter(e -> e.getValue() >= cfg.minKeyMisses())
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(cfg.warmKeys()).toList();
        if (top.isEmpty()) {
            return List.of();
        }
        long topMisses = Math.min(t.allMisses(), top.stream().mapToLong(Map.Entry::getValue).sum());
        Stats.Result test = Stats.binomialGreater(topMisses, t.allMisses(), cfg.warmMinShare());
        if (test.pValue() >= ctx.config().alpha()) {
            return List.of();
        }
        TreeMap<String, String> params = new TreeMap<>();
        params.put("tier", SeriesKey.head(key));
        params.put("namespace", SeriesKey.tail(key));
        params.put("keys", String.join(",", top.stream().map(Map.Entry::getKey).toList()));
        params.put("keyCount", Integer.toString(top.size()));
        List<Evidence> evidence = new java.util.ArrayList<>();
        evidence.add(new Evidence("cache.topKeysShareOfMisses", key, (double) topMisses / t.allMisses(),
                cfg.warmMinShare(), t.allMisses(), t.start(), t.end()));
        for (Map.Entry<String, Long> e : top) {
            evidence.add(new Evidence("cache.keyMisses", e.getKey(), e.getValue(), null, e.getValue(), since, until));
        }
        Double hitRateDelta = t.considered() == 0 ? null : (double) topMisses / t.considered();
        return List.of(new Draft(ProposalKind.CACHE, CacheRules.target(key), SLOT, "warm_keys", params,
                List.of("keys"), evidence, new ExpectedImpact(null, null, null, hitRateDelta),
                new Confidence(test.test(), test.statistic(), test.pValue(), ctx.config().confidenceLevel()),
                cfg.rollout(), ctx.now(), cfg.ttlMs(), false));
    }

    @Override
    public boolean materiallyDifferent(Proposal open, Draft draft) {
        Set<String> a = keySet(open.parameter("keys"));
        Set<String> b = keySet(draft.parameters().get("keys"));
        Set<String> union = new TreeSet<>(a);
        union.addAll(b);
        Set<String> common = new TreeSet<>(a);
        common.retainAll(b);
        return union.isEmpty() || (double) common.size() / union.size() < SAME_KEYS_OVERLAP;
    }

    private static Set<String> keySet(String csv) {
        return csv == null || csv.isEmpty() ? Set.of() : new TreeSet<>(List.of(csv.split(",")));
    }
}
