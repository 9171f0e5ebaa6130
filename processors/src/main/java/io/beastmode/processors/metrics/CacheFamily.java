package io.beastmode.processors.metrics;

import io.beastmode.processors.metrics.MetricsSnapshot.CacheStats;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Cache lookups of one window and key: outcomes, hit rates, lookup latency, savings, near misses, expired keys. */
final class CacheFamily {

    static final int NEAR_THRESHOLD_BUCKETS = 10;
    static final double NEAR_THRESHOLD_WIDTH = 0.01;
    // threshold - similarity is computed in binary floating point: 0.90 - 0.81 is 0.08999..., which belongs to bucket 9.
    private static final double BUCKET_EPSILON = 1e-9;

    long lookups;
    final TreeMap<String, Long> outcomes = new TreeMap<>();
    final TreeMap<String, long[]> tiers = new TreeMap<>(); // tier -> {lookups, bypass, hits}
    final LatencySketch lookupLatency;
    long tokensSaved;
    double usdSaved;
    final long[] nearThresholdMisses = new long[NEAR_THRESHOLD_BUCKETS];
    final ExpiredKeyTracker expiredKeys;

    CacheFamily() {
        this(new LatencySketch(), new ExpiredKeyTracker(ExpiredKeyTracker.DEFAULT_CAPACITY));
    }

    private CacheFamily(LatencySketch lookupLatency, ExpiredKeyTracker expiredKeys) {
        this.lookupLatency = lookupLatency;
        this.expiredKeys = expiredKeys;
    }

    void add(CacheObservation c) {
        String outcome = Codec.nonNull(c.outcome(), RequestFamily.UNKNOWN);
        lookups++;
        outcomes.merge(outcome, 1L, Long::sum);
        long[] tier = tiers.computeIfAbsent(Codec.nonNull(c.tier(), RequestFamily.UNKNOWN), t -> new long[3]);
        tier[0]++;
        if ("BYPASS".equals(outcome)) {
            tier[1]++;
        } else if ("HIT".equals(outcome)) {
            tier[2]++;
        }
        lookupLatency.add(c.lookupLatencyMs());
        tokensSaved += c.tokensSaved();
        usdSaved += c.usdSaved();
        if ("SEMANTIC".equals(c.tier()) && "MISS".equals(outcome) && c.similarity() != null && c.threshold() != null) {
            double gap = c.threshold() - c.similarity();
            if (gap >= 0) {
                int bucket = (int) Math.floor(gap / NEAR_THRESHOLD_WIDTH + BUCKET_EPSILON);
                if (bucket < NEAR_THRESHOLD_BUCKETS) {
                    nearThresholdMisses[bucket]++;
                }
            }
        }
        if (c.keyHash() != null) {
            expiredKeys.observe(c.keyHash(), c.eventTimeMs(), "EXPIRED".equals(outcome));
        }
    }

    void merge(CacheFamily other) {
        lookups += other.lookups;
        Codec.addCounts(outcomes, other.outcomes);
        other.tiers.forEach((tier, counts) -> {
            long[] mine = tiers.computeIfAbsent(tier, t -> new long[3]);
            for (int i = 0; i < mine.length; i++) {
                mine[i] += counts[i];
            }
        });
        lookupLatency.merge(other.lookupLatency);
        tokensSaved += other.tokensSaved;
        usdSaved += other.usdSaved;
        for (int i = 0; i < NEAR_THRESHOLD_BUCKETS; i++) {
            nearThresholdMisses[i] += other.nearThresholdMisses[i];
        }
        expiredKeys.merge(other.expiredKeys);
    }

    CacheFamily copy() {
        CacheFamily copy = new CacheFamily();
        copy.merge(this);
        return copy;
    }

    /** HIT / (lookups - BYPASS); 0 when every lookup bypassed the cache. */
    private static double hitRate(long lookups, long bypass, long hits) {
        long considered = lookups - bypass;
        return considered == 0 ? 0.0 : (double) hits / considered;
    }

    CacheStats stats() {
        Map<String, Double> byTier = new TreeMap<>();
        tiers.forEach((tier, c) -> byTier.put(tier, hitRate(c[0], c[1], c[2])));
        List<Long> near = new ArrayList<>(NEAR_THRESHOLD_BUCKETS);
        for (long n : nearThresholdMisses) {
            near.add(n);
        }
        return new CacheStats(lookups, Map.copyOf(outcomes),
                hitRate(lookups, outcomes.getOrDefault("BYPASS", 0L), outcomes.getOrDefault("HIT", 0L)),
                Map.copyOf(byTier), lookupLatency.quantile(0.95), tokensSaved, usdSaved, List.copyOf(near),
                NEAR_THRESHOLD_WIDTH, expiredKeys.rerequested());
    }

    void write(DataOutput out) throws IOException {
        Codec.writeVarLong(out, lookups);
        Codec.writeCounts(out, outcomes);
        Codec.writeVarLong(out, tiers.size());
        for (Map.Entry<String, long[]> e : tiers.entrySet()) {
            out.writeUTF(e.getKey());
            for (long v : e.getValue()) {
                Codec.writeVarLong(out, v);
            }
        }
        Codec.writeSketch(out, lookupLatency);
        Codec.writeVarLong(out, tokensSaved);
        out.writeDouble(usdSaved);
        for (long n : nearThresholdMisses) {
            Codec.writeVarLong(out, n);
        }
        expiredKeys.write(out);
    }

    static CacheFamily read(DataInput in) throws IOException {
        long lookups = Codec.readVarLong(in);
        TreeMap<String, Long> outcomes = Codec.readCounts(in);
        TreeMap<String, long[]> tiers = new TreeMap<>();
        int n = Codec.readCount(in);
        for (int i = 0; i < n; i++) {
            tiers.put(in.readUTF(), new long[]{Codec.readVarLong(in), Codec.readVarLong(in), Codec.readVarLong(in)});
        }
        LatencySketch latency = Codec.readSketch(in);
        long tokens = Codec.readVarLong(in);
        double usd = in.readDouble();
        long[] near = new long[NEAR_THRESHOLD_BUCKETS];
        for (int i = 0; i < near.length; i++) {
            near[i] = Codec.readVarLong(in);
        }
        CacheFamily f = new CacheFamily(latency, ExpiredKeyTracker.read(in));
        f.lookups = lookups;
        f.outcomes.putAll(outcomes);
        f.tiers.putAll(tiers);
        f.tokensSaved = tokens;
        f.usdSaved = usd;
        System.arraycopy(near, 0, f.nearThresholdMisses, 0, near.length);
        return f;
    }
}
