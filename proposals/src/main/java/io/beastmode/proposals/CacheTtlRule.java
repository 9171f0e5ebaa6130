package io.beastmode.proposals;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * CACHE extend_ttl: most misses of a namespace are EXPIRED entries (exact one-sided binomial test of the EXPIRED share
 * of misses against {@code expiredShareMin}) and enough of them are on keys requested again, so a longer TTL would
 * have served them. The new TTL is the 90th percentile age of the expired entries when the topology reports it (it
 * would have turned 90% of them into hits), else the current TTL times {@code ttlExtensionFactor}; without a known TTL
 * the proposal carries the factor ({@code ttlMultiplier}).
 */
public final class CacheTtlRule extends CacheRule {

    static final String SLOT = "extend_ttl";
    /** A TTL that moved by less than this share is the same proposal (estimates drift every window). */
    static final double MATERIAL_TTL_CHANGE = 0.25;

    @Override
    public String name() {
        return "cache-ttl";
    }

    @Override
    public List<Draft> evaluate(RuleContext ctx, Dimension dimension, String key) {
        ProposalConfig.Cache cfg = ctx.config().cache();
        CacheRules.Totals t = CacheRules.Totals.of(ctx.windows(Dimension.CACHE_TIER_NAMESPACE, key));
        if (t.allMisses() < cfg.minMisses() || t.expired() == 0) {
            return List.of();
        }
        double rerequestedShare = (double) t.expiredRerequested() / t.expired();
        if (rerequestedShare < cfg.minRerequestedShare()) {
            return List.of();
        }
        Stats.Result test = Stats.binomialGreater(t.expired(), t.allMisses(), cfg.expiredShareMin());
        if (test.pValue() >= ctx.config().alpha()) {
            return List.of();
        }
        List<CacheMissDetail> details = ctx.cacheDetails(key);
        Long ttl = CacheRules.latest(details, CacheMissDetail::ttlMs);
        Double ageP90 = CacheRules.latest(details, CacheMissDetail::expiredEntryAgeP90Ms);
        TreeMap<String, String> params = new TreeMap<>();
        params.put("tier", SeriesKey.head(key));
        params.put("namespace", SeriesKey.tail(key));
        List<String> identity;
        if (ttl == null && ageP90 == null) {
            params.put("ttlMultiplier", Fmt.num(cfg.ttlExtensionFactor()));
            identity = List.of("ttlMultiplier");
        } else {
            long proposed = ageP90 != null ? (long) Math.ceil(ageP90) : Math.round(ttl * cfg.ttlExtensionFactor());
            // Whole minutes: operators read them, and small estimate jitter then maps to the same value.
            proposed = Math.min(cfg.maxTtlMs(), roundUpToMinute(proposed));
            if (ttl != null && proposed <= ttl) {
                return List.of(); // entries expire younger than the TTL in force: something else evicts them
            }
            params.put("ttlMs", Fmt.num(proposed));
            if (ttl != null) {
                params.put("currentTtlMs", Fmt.num(ttl));
            }
            identity = List.of("ttlMs");
        }
        List<Evidence> evidence = new ArrayList<>(List.of(
                new Evidence("cache.expiredShareOfMisses", key, (double) t.expired() / t.allMisses(),
                        cfg.expiredShareMin(), t.allMisses(), t.start(), t.end()),
                new Evidence("cache.expiredRerequestedShare", key, rerequestedShare, cfg.minRerequestedShare(),
                        t.expired(), t.start(), t.end())));
        if (ageP90 != null) {
            evidence.add(new Evidence("cache.expiredEntryAgeP90Ms", key, ageP90, ttl == null ? null : ttl.doubleValue(),
                    details.size(), details.get(0).windowStartMs(), details.get(details.size() - 1).windowEndMs()));
        }
        // Upper bound: every expired lookup on a re-requested key becomes a hit.
        Double hitRateDelta = t.considered() == 0 ? null : (double) t.expiredRerequested() / t.considered();
        return List.of(new Draft(ProposalKind.CACHE, CacheRules.target(key), SLOT, "extend_ttl", params, identity,
                evidence, new ExpectedImpact(null, null, null, hitRateDelta),
                new Confidence(test.test(), test.statistic(), test.pValue(), ctx.config().confidenceLevel()),
                cfg.rollout(), ctx.now(), cfg.ttlMs(), false));
    }

    static long roundUpToMinute(long ms) {
        return Math.floorDiv(ms + ProposalConfig.MINUTE - 1, ProposalConfig.MINUTE) * ProposalConfig.MINUTE;
    }

    @Override
    public boolean materiallyDifferent(Proposal open, Draft draft) {
        String before = open.parameter("ttlMs");
        String after = draft.parameters().get("ttlMs");
        if (before == null || after == null) {
            return super.materiallyDifferent(open, draft);
        }
        double a = Double.parseDouble(before);
        double b = Double.parseDouble(after);
        return Math.abs(b - a) > MATERIAL_TTL_CHANGE * a;
    }
}
