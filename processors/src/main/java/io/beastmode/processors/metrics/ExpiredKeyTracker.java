package io.beastmode.processors.metrics;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts EXPIRED lookups whose key was already looked up earlier (strictly earlier event time) in the window, in
 * bounded memory.
 *
 * <p>Keys are tracked by a 63-bit hash, keeping only the {@code capacity} smallest hashes (a bottom-k sample). Per
 * key it keeps the first time seen and how many EXPIRED lookups happened at that first time and after it, which merges
 * exactly in any order. Bottom-k is also merge-exact: a key dropped by one part has k smaller keys there, so it can
 * never be among the k smallest of the union. While no key was dropped the count is exact; after that it is the
 * sample's count scaled by the inverse of the sampled fraction of the hash space (largest kept hash / 2^63).
 */
final class ExpiredKeyTracker {

    static final int DEFAULT_CAPACITY = 512;

    private final int capacity;
    private final TreeMap<Long, long[]> keys = new TreeMap<>(); // hash -> {firstSeenMs, expiredAtFirst, expiredLater}
    private boolean saturated;

    ExpiredKeyTracker(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
    }

    void observe(String keyHash, long eventTimeMs, boolean expired) {
        long hash = hash(keyHash);
        if (keys.size() >= capacity && !keys.containsKey(hash) && hash > keys.lastKey()) {
            saturated = true;
            return;
        }
        long[] entry = {eventTimeMs, expired ? 1 : 0, 0};
        keys.merge(hash, entry, ExpiredKeyTracker::combine);
        trim();
    }

    void merge(ExpiredKeyTracker other) {
        saturated |= other.saturated;
        other.keys.forEach((hash, entry) -> keys.merge(hash, entry.clone(), ExpiredKeyTracker::combine));
        trim();
    }

    /** Combines two histories of one key: every EXPIRED of the side first seen later counts as re-requested. */
    private static long[] combine(long[] a, long[] b) {
        if (a[0] == b[0]) {
            return new long[]{a[0], a[1] + b[1], a[2] + b[2]};
        }
        long[] first = a[0] < b[0] ? a : b;
        long[] second = first == a ? b : a;
        return new long[]{first[0], first[1], first[2] + second[1] + second[2]};
    }

    private void trim() {
        while (keys.size() > capacity) {
            keys.pollLastEntry();
            saturated = true;
        }
    }

    boolean isEmpty() {
        return keys.isEmpty() && !saturated;
    }

    boolean isExact() {
        return !saturated;
    }

    long rerequested() {
        long sampled = 0;
        for (long[] e : keys.values()) {
            sampled += e[2];
        }
        if (!saturated || keys.isEmpty()) {
            return sampled;
        }
        double sampledFraction = (keys.lastKey() + 1.0) / 0x1p63;
        return Math.round(sampled / sampledFraction);
    }

    /** FNV-1a over the UTF-8 bytes, then the murmur3 finalizer for well-spread bits; non-negative. */
    static long hash(String keyHash) {
        long h = 0xcbf29ce484222325L;
        for (byte b : keyHash.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h >>> 1;
    }

    void write(DataOutput out) throws IOException {
        Codec.writeVarLong(out, capacity);
        out.writeBoolean(saturated);
        Codec.writeVarLong(out, keys.size());
        long previousHash = 0;
        long baseTime = keys.isEmpty() ? 0 : keys.firstEntry().getValue()[0];
        Codec.writeSignedVarLong(out, baseTime);
        for (Map.Entry<Long, long[]> e : keys.entrySet()) {
            // Sorted hashes and times near the window start keep the deltas short.
            Codec.writeVarLong(out, e.getKey() - previousHash);
            previousHash = e.getKey();
            long[] v = e.getValue();
            Codec.writeSignedVarLong(out, v[0] - baseTime);
            Codec.writeVarLong(out, v[1]);
            Codec.writeVarLong(out, v[2]);
        }
    }

    static ExpiredKeyTracker read(DataInput in) throws IOException {
        ExpiredKeyTracker t = new ExpiredKeyTracker(Codec.readCount(in));
        t.saturated = in.readBoolean();
        int n = Codec.readCount(in);
        long hash = 0;
        long baseTime = Codec.readSignedVarLong(in);
        for (int i = 0; i < n; i++) {
            hash += Codec.readVarLong(in);
            t.keys.put(hash, new long[]{baseTime + Codec.readSignedVarLong(in), Codec.readVarLong(in),
                    Codec.readVarLong(in)});
        }
        return t;
    }
}
