package io.beastmode.simulator;

import io.beastmode.telemetry.v1.CacheOutcome;
import io.beastmode.telemetry.v1.CacheTier;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The gateway's caches, simulated per request:
 * <ul>
 * <li>EXACT (prompt hash) and SEMANTIC (embedding similarity) for code and conversation. Azure's trace has no prompts,
 * so which prompts repeat is modelled: a share of prompts comes from a Zipf-popular set per namespace (exact repeats,
 * kept with a TTL, hence HIT / EXPIRED / MISS from real recency), and a share of the rest are paraphrases of a cached
 * prompt (similarity around the threshold, so misses cluster just below it).</li>
 * <li>PREFIX (KV blocks) for long-context requests from Mooncake's real {@code hash_ids}: the leading blocks already
 * computed by the serving model are reused, {@code tokensSaved} = reused blocks x 512 (capped at the prompt).</li>
 * </ul>
 * A CACHE_FLUSH incident empties the affected namespaces at its start and admits nothing until its end.
 */
final class CacheSimulator {
    /** One lookup's result, before it becomes a CacheEvent. */
    record Lookup(CacheTier tier, String namespace, CacheOutcome outcome, double latencyMs, Double similarity,
                  Double threshold, Long entryAgeMs, Long ttlMs, int tokensSaved, String keyHash) {
        boolean servesResponse() {
            return outcome == CacheOutcome.HIT && tier != CacheTier.PREFIX;
        }
    }

    /** Settings of the EXACT and SEMANTIC tiers of one namespace (request type). */
    record Settings(double repeatShare, int popularKeys, double zipfExponent, long exactTtlMs, double paraphraseShare,
                    double threshold, long semanticTtlMs) {
    }

    static final Map<String, Settings> DEFAULTS = Map.of(
            "code", new Settings(0.30, 2000, 1.05, 10 * 60_000L, 0.20, 0.85, 30 * 60_000L),
            "conversation", new Settings(0.35, 2000, 1.05, 5 * 60_000L, 0.20, 0.85, 30 * 60_000L));
    static final double BYPASS_SHARE = 0.03;
    static final double LOOKUP_ERROR_RATE = 0.001;
    /** After a flush the semantic index refills over this long (paraphrases find fewer neighbours meanwhile). */
    static final long SEMANTIC_REWARM_MS = 5 * 60_000L;

    private final Random rng;
    private final List<Incident> flushes;
    private final Map<String, double[]> zipfCdf = new HashMap<>();
    private final Map<String, Map<Integer, Long>> exactEntries = new HashMap<>();
    private final Map<String, Map<Integer, Long>> prefixBlocks = new HashMap<>();
    private final Map<String, Long> lastFlushEnd = new HashMap<>();
    private final Map<Incident, Boolean> applied = new HashMap<>();

    CacheSimulator(Random rng, List<Incident> incidents) {
        this.rng = rng;
        this.flushes = incidents.stream().filter(i -> i.kind() == Incident.Kind.CACHE_FLUSH).toList();
    }

    /** EXACT then (unless it hit or was bypassed) SEMANTIC, for a request of an Azure workload. */
    List<Lookup> promptLookups(String namespace, long now, int inputTokens, int outputTokens) {
        Settings s = DEFAULTS.get(namespace);
        List<Lookup> out = new ArrayList<>(2);
        if (s == null) {
            return out;
        }
        boolean flushed = flushActive(namespace, now);
        boolean popular = rng.nextDouble() < s.repeatShare();
        int key = popular ? zipf(namespace, s) : -1 - rng.nextInt(Integer.MAX_VALUE);
        String keyHash = keyHash(namespace, key);
        if (rng.nextDouble() < BYPASS_SHARE) {
            out.add(new Lookup(CacheTier.EXACT, namespace, CacheOutcome.BYPASS, 0.0, null, null, null, null, 0, keyHash));
            return out;
        }
        double exactLatency = 0.8 * Math.exp(0.3 * rng.nextGaussian());
        if (rng.nextDouble() < LOOKUP_ERROR_RATE) {
            out.add(new Lookup(CacheTier.EXACT, namespace, CacheOutcome.ERROR, exactLatency * 20, null, null, null, null, 0, keyHash));
        } else {
            Map<Integer, Long> entries = exactEntries.computeIfAbsent(namespace, n -> new HashMap<>());
            Long inserted = popular ? entries.get(key) : null;
            Lookup exact;
            if (inserted == null) {
                exact = new Lookup(CacheTier.EXACT, namespace, CacheOutcome.MISS, exactLatency, null, null, null, s.exactTtlMs(), 0, keyHash);
            } else {
                long age = now - inserted;
                CacheOutcome outcome = age <= s.exactTtlMs() ? CacheOutcome.HIT : CacheOutcome.EXPIRED;
                exact = new Lookup(CacheTier.EXACT, namespace, outcome, exactLatency, null, null, age, s.exactTtlMs(),
                        outcome == CacheOutcome.HIT ? inputTokens + outputTokens : 0, keyHash);
            }
            if (popular && !flushed && exact.outcome() != CacheOutcome.HIT) {
                entries.put(key, now); // the answer computed now is cached for the next repeat
            }
            out.add(exact);
            if (exact.outcome() == CacheOutcome.HIT) {
                return out;
            }
        }
        out.add(semantic(namespace, s, now, flushed, inputTokens + outputTokens, keyHash));
        return out;
    }

    private Lookup semantic(String namespace, Settings s, long now, boolean flushed, int tokens, String keyHash) {
        double latency = 12.0 * Math.exp(0.3 * rng.nextGaussian()); // embedding + vector search
        double paraphrase = s.paraphraseShare() * rewarmFactor(namespace, now);
        if (flushed) {
            return new Lookup(CacheTier.SEMANTIC, namespace, CacheOutcome.MISS, latency, null, s.threshold(), null, s.semanticTtlMs(), 0, keyHash);
        }
        double similarity;
        if (rng.nextDouble() < paraphrase) {
            similarity = 0.75 + 0.24 * beta22(); // a near neighbour exists: around the threshold
        } else {
            similarity = 0.30 + 0.45 * rng.nextDouble() * rng.nextDouble(); // only unrelated entries
        }
        similarity = Math.round(similarity * 10_000) / 10_000.0;
        if (similarity < s.threshold()) {
            return new Lookup(CacheTier.SEMANTIC, namespace, CacheOutcome.MISS, latency, similarity, s.threshold(), null, s.semanticTtlMs(), 0, keyHash);
        }
        long age = (long) (-Math.log(1 - rng.nextDouble()) * 0.6 * s.semanticTtlMs());
        CacheOutcome outcome = age <= s.semanticTtlMs() ? CacheOutcome.HIT : CacheOutcome.EXPIRED;
        return new Lookup(CacheTier.SEMANTIC, namespace, outcome, latency, similarity, s.threshold(), age, s.semanticTtlMs(),
                outcome == CacheOutcome.HIT ? tokens : 0, keyHash);
    }

    /** KV prefix reuse on the serving model's cache. */
    Lookup prefixLookup(String model, long now, int inputTokens, int[] hashIds) {
        String namespace = "kv/" + model;
        boolean flushed = flushActive(namespace, now);
        Map<Integer, Long> blocks = prefixBlocks.computeIfAbsent(namespace, n -> new HashMap<>());
        int reused = 0;
        while (reused < hashIds.length && blocks.containsKey(hashIds[reused])) {
            reused++;
        }
        Long firstSeen = reused > 0 ? blocks.get(hashIds[0]) : null;
        if (!flushed) {
            for (int id : hashIds) {
                blocks.putIfAbsent(id, now);
            }
        }
        double latency = 0.3 * Math.exp(0.3 * rng.nextGaussian());
        String keyHash = hashIds.length == 0 ? "empty" : Integer.toHexString(hashIds[0]) + "/" + hashIds.length;
        int saved = Math.min(inputTokens, reused * MooncakeTrace.BLOCK_TOKENS);
        CacheOutcome outcome = reused > 0 ? CacheOutcome.HIT : CacheOutcome.MISS;
        return new Lookup(CacheTier.PREFIX, namespace, outcome, latency, null, null,
                firstSeen == null ? null : now - firstSeen, null, saved, keyHash);
    }

    private boolean flushActive(String namespace, long now) {
        boolean active = false;
        for (Incident f : flushes) {
            if (!f.targets(namespace)) {
                continue;
            }
            if (f.activeAt(now)) {
                active = true;
                if (applied.put(f, Boolean.TRUE) == null) {
                    // The flush empties every affected namespace once, at its start.
                    clear(f);
                }
            }
            if (now >= f.endMs()) {
                lastFlushEnd.merge(namespace, f.endMs(), Math::max);
            }
        }
        return active;
    }

    private void clear(Incident f) {
        exactEntries.forEach((ns, m) -> {
            if (f.targets(ns)) {
                m.clear();
            }
        });
        prefixBlocks.forEach((ns, m) -> {
            if (f.targets(ns)) {
                m.clear();
            }
        });
    }

    private double rewarmFactor(String namespace, long now) {
        Long end = lastFlushEnd.get(namespace);
        if (end == null || now - end >= SEMANTIC_REWARM_MS) {
            return 1.0;
        }
        return Math.max(0.0, (double) (now - end) / SEMANTIC_REWARM_MS);
    }

    private int zipf(String namespace, Settings s) {
        double[] cdf = zipfCdf.computeIfAbsent(namespace, n -> {
            double[] c = new double[s.popularKeys()];
            double sum = 0;
            for (int k = 0; k < c.length; k++) {
                sum += 1.0 / Math.pow(k + 1, s.zipfExponent());
                c[k] = sum;
            }
            for (int k = 0; k < c.length; k++) {
                c[k] /= sum;
            }
            return c;
        });
        int idx = java.util.Arrays.binarySearch(cdf, rng.nextDouble());
        return idx >= 0 ? idx : Math.min(cdf.length - 1, -idx - 1);
    }

    /** Beta(2,2) as the median of three uniforms: symmetric, peaked at 0.5. */
    private double beta22() {
        double a = rng.nextDouble();
        double b = rng.nextDouble();
        double c = rng.nextDouble();
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }

    private static String keyHash(String namespace, int key) {
        long h = namespace.hashCode() * 0x9E3779B97F4A7C15L ^ key * 0xC2B2AE3D27D4EB4FL;
        h ^= h >>> 29;
        return Long.toHexString(h);
    }
}
