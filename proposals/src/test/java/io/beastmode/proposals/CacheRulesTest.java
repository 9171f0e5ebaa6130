package io.beastmode.proposals;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CacheRulesTest {

    private final ProposalConfig config = ProposalConfig.defaults();

    /** P(X >= k) for X ~ Binomial(n, p), summed term by term (independent of Commons Math). */
    static double binomialTail(int k, int n, double p) {
        double sum = 0;
        for (int i = k; i <= n; i++) {
            double logTerm = 0;
            for (int j = 1; j <= i; j++) {
                logTerm += Math.log(n - i + j) - Math.log(j);
            }
            sum += Math.exp(logTerm + i * Math.log(p) + (n - i) * Math.log(1 - p));
        }
        return sum;
    }

    private static Map<String, Long> outcomes(long hit, long miss, long expired) {
        return Map.of("HIT", hit, "MISS", miss, "EXPIRED", expired);
    }

    private static List<Proposal> ofAction(List<Proposal> out, String action) {
        return out.stream().filter(p -> p.action().equals(action)).toList();
    }

    // ---- extend_ttl ----

    @Test
    void extendsTtlToTheAgeOfExpiredEntriesWhenMissesAreMostlyExpiredAndRerequested() {
        ProposalEngine engine = new ProposalEngine(config);
        engine.onCacheDetail(new CacheMissDetail("EXACT", "faq", Snap.start(0), Snap.end(0), 600_000L, 1_250_000.0,
                null, List.of()));
        List<Proposal> out = ofAction(engine.onWindow(Dimension.CACHE_TIER_NAMESPACE, "EXACT|faq",
                Snap.window(0).cache(outcomes(500, 20, 80), 50, List.of()).build()), "extend_ttl");
        assertThat(out).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(ProposalKind.CACHE);
            assertThat(p.target()).isEqualTo(Target.cacheNamespace("EXACT", "faq"));
            // p90 age 1,250,000 ms rounded up to whole minutes: 21 min.
            assertThat(p.parameters()).containsEntry("ttlMs", "1260000").containsEntry("currentTtlMs", "600000");
            // 80 of 100 misses expired: P(X >= 80 | 100, 0.5).
            assertThat(p.confidence().test()).startsWith("binomial");
            assertThat(p.confidence().pValue()).isCloseTo(binomialTail(80, 100, 0.5), within(1e-15));
            assertThat(p.expectedImpact().hitRateDelta()).isCloseTo(50.0 / 600, within(1e-12));
        });
    }

    @Test
    void withoutTtlInformationProposesAMultiplier() {
        ProposalEngine engine = new ProposalEngine(config);
        List<Proposal> out = ofAction(engine.onWindow(Dimension.CACHE_TIER_NAMESPACE, "EXACT|faq",
                Snap.window(0).cache(outcomes(500, 20, 80), 50, List.of()).build()), "extend_ttl");
        assertThat(out).singleElement().satisfies(p ->
                assertThat(p.parameters()).containsEntry("ttlMultiplier", "2").doesNotContainKey("ttlMs"));
    }

    @Test
    void noTtlProposalWhenExpiredAreFewOrNotRequestedAgain() {
        ProposalEngine engine = new ProposalEngine(config);
        assertThat(ofAction(engine.onWindow(Dimension.CACHE_TIER_NAMESPACE, "EXACT|a",
                Snap.window(0).cache(outcomes(500, 60, 40), 30, List.of()).build()), "extend_ttl")).isEmpty();
        assertThat(ofAction(engine.onWindow(Dimension.CACHE_TIER_NAMESPACE, "EXACT|b",
                Snap.window(0).cache(outcomes(500, 20, 80), 10, List.of()).build()), "extend_ttl")).isEmpty();
    }

    @Test
    void ttlDriftIsNotANewProposalButALargeChangeSupersedes() {
        ProposalEngine engine = new ProposalEngine(config);
        engine.onCacheDetail(new CacheMissDetail("EXACT", "faq", Snap.start(0), Snap.end(0), 600_000L, 1_250_000.0,
                null, List.of()));
        Proposal first = ofAction(engine.onWindow(Dimension.CACHE_TIER_NAMESPACE, "EXACT|faq",
                Snap.window(0).cache(outcomes(500, 20, 80), 50, List.of()).build()), "extend_ttl").get(0);
        // 22 min instead of 21: within 25%.
        assertThat(engine.onCacheDetail(new CacheMissDetail("EXACT", "faq", Snap.start(1), Snap.end(1), 600_000L,
                1_300_000.0, null, List.of()))).isEmpty();
        List<Proposal> out = engine.onCacheDetail(new CacheMissDetail("EXACT", "faq", Snap.start(2), Snap.end(2),
                600_000L, 2_000_000.0, null, List.of()));
        assertThat(out).extracting(Proposal::status).containsExactly(ProposalStatus.SUPERSEDED, ProposalStatus.OPEN);
        assertThat(out.get(1).parameter("ttlMs")).isEqualTo("2040000");
        assertThat(out.get(1).supersedes()).isEqualTo(first.proposalId());
    }

    // ---- warm_keys ----

    @Test
    void warmsHeavyHitterKeys() {
        ProposalEngine engine = new ProposalEngine(config);
        engine.onCacheDetail(new CacheMissDetail("EXACT", "faq", Snap.start(0), Snap.end(0), null, null, null,
                List.of(new KeyCount("k1", 30), new KeyCount("k2", 20), new KeyCount("k3", 10),
                        new KeyCount("k4", 4))));
        List<Proposal> out = ofAction(engine.onWindow(Dimension.CACHE_TIER_NAMESPACE, "EXACT|faq",
                Snap.window(0).cache(outcomes(500, 100, 0), 0, List.of()).build()), "warm_keys");
        assertThat(out).singleElement().satisfies(p -> {
            // k4 missed fewer than 5 times: not worth warming.
            assertThat(p.parameters()).containsEntry("keys", "k1,k2,k3").containsEntry("keyCount", "3");
            // 60 of 100 misses on the three keys, against a 20% share.
            assertThat(p.confidence().pValue()).isCloseTo(binomialTail(60, 100, 0.2), within(1e-15));
            assertThat(p.expectedImpact().hitRateDelta()).isCloseTo(60.0 / 600, within(1e-12));
        });
    }

    @Test
    void noWarmingWithoutKeyListOrWhenMissesAreSpread() {
        ProposalEngine engine = new ProposalEngine(config);
        assertThat(ofAction(engine.onWindow(Dimension.CACHE_TIER_NAMESPACE, "EXACT|faq",
                Snap.window(0).cache(outcomes(500, 100, 0), 0, List.of()).build()), "warm_keys")).isEmpty();
        assertThat(ofAction(engine.onCacheDetail(new CacheMissDetail("EXACT", "faq", Snap.start(0), Snap.end(0),
                null, null, null, List.of(new KeyCount("k1", 8), new KeyCount("k2", 7), new KeyCount("k3", 5)))),
                "warm_keys")).isEmpty();
    }

    // ---- move_threshold ----

    @Test
    void lowersTheSemanticThresholdWhenMissesClusterJustBelowIt() {
        ProposalEngine engine = new ProposalEngine(config);
        engine.onCacheDetail(new CacheMissDetail("SEMANTIC", "faq", Snap.start(0), Snap.end(0), null, null, 0.9,
                List.of()));
        List<Long> near = List.of(30L, 20L, 5L, 5L, 4L, 3L, 3L, 2L, 2L, 1L);
        List<Proposal> out = ofAction(engine.onWindow(Dimension.CACHE_TIER_NAMESPACE, "SEMANTIC|faq",
                Snap.window(0).cache(outcomes(400, 200, 0), 0, near).build()), "move_threshold");
        assertThat(out).singleElement().satisfies(p -> {
            assertThat(p.target()).isEqualTo(Target.cacheNamespace("SEMANTIC", "faq"));
            assertThat(p.parameters()).containsEntry("thresholdDelta", "-0.02").containsEntry("threshold", "0.88")
                    .containsEntry("currentThreshold", "0.9");
            // 50 of 75 near misses in the first two of ten buckets, against a uniform 20%.
            assertThat(p.confidence().pValue()).isCloseTo(binomialTail(50, 75, 0.2), within(1e-15));
            assertThat(p.evidence().get(0).value()).isCloseTo(50.0 / 75, within(1e-12));
            assertThat(p.evidence().get(0).reference()).isEqualTo(0.2);
            assertThat(p.expectedImpact().hitRateDelta()).isCloseTo(50.0 / 600, within(1e-12));
        });
    }

    @Test
    void noThresholdMoveForUniformNearMissesOrOtherTiers() {
        ProposalEngine engine = new ProposalEngine(config);
        List<Long> uniform = java.util.Collections.nCopies(10, 8L);
        assertThat(ofAction(engine.onWindow(Dimension.CACHE_TIER_NAMESPACE, "SEMANTIC|faq",
                Snap.window(0).cache(outcomes(400, 200, 0), 0, uniform).build()), "move_threshold")).isEmpty();
        List<Long> clustered = List.of(30L, 20L, 5L, 5L, 4L, 3L, 3L, 2L, 2L, 1L);
        assertThat(ofAction(engine.onWindow(Dimension.CACHE_TIER_NAMESPACE, "EXACT|faq",
                Snap.window(0).cache(outcomes(400, 200, 0), 0, clustered).build()), "move_threshold")).isEmpty();
    }

    @Test
    void threeCacheActionsCanBeOpenOnOneNamespace() {
        ProposalEngine engine = new ProposalEngine(config);
        engine.onCacheDetail(new CacheMissDetail("SEMANTIC", "faq", Snap.start(0), Snap.end(0), 600_000L, null, 0.9,
                List.of(new KeyCount("k1", 40))));
        List<Long> near = List.of(30L, 20L, 5L, 5L, 4L, 3L, 3L, 2L, 2L, 1L);
        List<Proposal> out = engine.onWindow(Dimension.CACHE_TIER_NAMESPACE, "SEMANTIC|faq",
                Snap.window(0).cache(outcomes(400, 20, 80), 60, near).build());
        assertThat(out).extracting(Proposal::action)
                .containsExactlyInAnyOrder("extend_ttl", "warm_keys", "move_threshold");
        assertThat(out).extracting(Proposal::proposalId).doesNotHaveDuplicates();
    }
}
