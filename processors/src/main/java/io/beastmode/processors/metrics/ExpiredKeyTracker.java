package io.beastmode.processors.metrics;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Counts EXPIRED lookups whose key was already looked up earlier (strictly earlier event time) in the window, in
 * bounded memory.
 *
 * <p>Keys are tracked by a 63-bit hash, keeping only the {@code capacity} smallest hashes (a bottom-k sample). Per
 * key it keeps the first time seen and how many EXPIRED lookups happened at that first time and after it, which merges
 * exactly in any order. Bottom-k is also merge-exact: a key dropped by one part has k smaller keys there, so it can
 * never be among the k smallest of the union. While no key was dropped the count is exact; after that it is the
 * sample's count scaled by the inverse of the sampled fraction of the hash space (largest kept hash / 2^63).
 *
 * <p>The sample is held in parallel arrays sorted by hash (it was a {@code TreeMap<Long, long[]>}): merging two
 * trackers, which the decode tasks' partial windows make frequent, is then one linear pass without boxing.
 */
final class ExpiredKeyTracker {

    static final int DEFAULT_CAPACITY = 512;

    private final int capacity;
    // Sorted by hash; per key: first time seen, EXPIRED lookups at that time, EXPIRED lookups after it.
    private long[] hashes;
    private long[] firstSeen;
    private long[] expiredAtFirst;
    private long[] expiredLater;
    private int size;
    private boolean saturated;

    ExpiredKeyTracker(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
        allocate(Math.min(capacity, 16));
    }

    private void allocate(int n) {
        hashes = new long[n];
        firstSeen = new long[n];
        expiredAtFirst = new long[n];
        expiredLater = new long[n];
    }

    void observe(String keyHash, long eventTimeMs, boolean expired) {
        long hash = hash(keyHash);
        int i = Arrays.binarySearch(hashes, 0, size, hash);
        if (i >= 0) {
            combineInto(i, eventTimeMs, expired ? 1 : 0, 0);
            return;
        }
        int at = -i - 1;
        if (size >= capacity) {
            saturated = true;
            if (at == size) {
                return; // larger than every kept hash: not in the bottom k
            }
            size--; // the largest kept hash makes room
        }
        if (size == hashes.length) {
            int n = Math.min(capacity, Math.max(16, size * 2));
            hashes = Arrays.copyOf(hashes, n);
            firstSeen = Arrays.copyOf(firstSeen, n);
            expiredAtFirst = Arrays.copyOf(expiredAtFirst, n);
            expiredLater = Arrays.copyOf(expiredLater, n);
        }
        int tail = size - at;
        System.arraycopy(hashes, at, hashes, at + 1, tail);
        System.arraycopy(firstSeen, at, firstSeen, at + 1, tail);
        System.arraycopy(expiredAtFirst, at, expiredAtFirst, at + 1, tail);
        System.arraycopy(expiredLater, at, expiredLater, at + 1, tail);
        hashes[at] = hash;
        firstSeen[at] = eventTimeMs;
        expiredAtFirst[at] = expired ? 1 : 0;
        expiredLater[at] = 0;
        size++;
    }

    /** Combines a second history of key i into it: every EXPIRED of the side first seen later counts as re-requested. */
    private void combineInto(int i, long time, long atFirst, long later) {
        if (firstSeen[i] == time) {
            expiredAtFirst[i] += atFirst;
            expiredLater[i] += later;
        } else if (firstSeen[i] < time) {
            expiredLater[i] += atFirst + later;
        } else {
            expiredLater[i] = later + expiredAtFirst[i] + expiredLater[i];
            expiredAtFirst[i] = atFirst;
            firstSeen[i] = time;
        }
    }

    void merge(ExpiredKeyTracker other) {
        saturated |= other.saturated;
        if (other.size == 0) {
            return;
        }
        int n = Math.min(capacity, size + other.size);
        long[] h = new long[n];
        long[] f = new long[n];
        long[] a = new long[n];
        long[] l = new long[n];
        int i = 0;
        int j = 0;
        int k = 0;
        while (k < n && (i < size || j < other.size)) {
            if (j >= other.size || (i < size && hashes[i] < other.hashes[j])) {
                h[k] = hashes[i];
                f[k] = firstSeen[i];
                a[k] = expiredAtFirst[i];
                l[k] = expiredLater[i];
                i++;
            } else if (i >= size || other.hashes[j] < hashes[i]) {
                h[k] = other.hashes[j];
                f[k] = other.firstSeen[j];
                a[k] = other.expiredAtFirst[j];
                l[k] = other.expiredLater[j];
                j++;
            } else {
                h[k] = hashes[i];
                f[k] = firstSeen[i];
                a[k] = expiredAtFirst[i];
                l[k] = expiredLater[i];
                // combine as combineInto does, on the new arrays
                long t = other.firstSeen[j];
                if (f[k] == t) {
                    a[k] += other.expiredAtFirst[j];
                    l[k] += other.expiredLater[j];
                } else if (f[k] < t) {
                    l[k] += other.expiredAtFirst[j] + other.expiredLater[j];
                } else {
                    l[k] = other.expiredLater[j] + a[k] + l[k];
                    a[k] = other.expiredAtFirst[j];
                    f[k] = t;
                }
                i++;
                j++;
            }
            k++;
        }
        if (i < size || j < other.size) {
            saturated = true; // keys beyond the k smallest were dropped
        }
        hashes = h;
        firstSeen = f;
        expiredAtFirst = a;
        expiredLater = l;
        size = k;
    }

    boolean isEmpty() {
        return size == 0 && !saturated;
    }

    boolean isExact() {
        return !saturated;
    }

    long rerequested() {
        long sampled = 0;
        for (int i = 0; i < size; i++) {
            sampled += expiredLater[i];
        }
        if (!saturated || size == 0) {
            return sampled;
        }
        double sampledFraction = (hashes[size - 1] + 1.0) / 0x1p63;
        return Math.round(sampled / sampledFraction);
    }

    /** FNV-1a over the UTF-8 bytes, then the murmur3 finalizer for well-spread bits; non-negative. */
    static long hash(String keyHash) {
        long h = 0xcbf29ce484222325L;
        int n = keyHash.length();
        int ascii = 0;
        // Key hashes are ASCII (hex): their chars are their UTF-8 bytes, so no byte array per lookup and dimension key.
        while (ascii < n && keyHash.charAt(ascii) < 0x80) {
            h ^= keyHash.charAt(ascii++);
            h *= 0x100000001b3L;
        }
        if (ascii < n) {
            byte[] rest = keyHash.substring(ascii).getBytes(StandardCharsets.UTF_8);
            for (byte b : rest) {
                h ^= b & 0xff;
                h *= 0x100000001b3L;
            }
        }
        return finish(h);
    }

    /** The murmur3 finalizer over an FNV-1a value, made non-negative. */
    static long finish(long fnv) {
        long h = fnv;
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
        Codec.writeVarLong(out, size);
        long previousHash = 0;
        long baseTime = size == 0 ? 0 : firstSeen[0];
        Codec.writeSignedVarLong(out, baseTime);
        for (int i = 0; i < size; i++) {
            // Sorted hashes and times near the window start keep the deltas short.
            Codec.writeVarLong(out, hashes[i] - previousHash);
            previousHash = hashes[i];
            Codec.writeSignedVarLong(out, firstSeen[i] - baseTime);
            Codec.writeVarLong(out, expiredAtFirst[i]);
            Codec.writeVarLong(out, expiredLater[i]);
        }
    }

    static ExpiredKeyTracker read(DataInput in) throws IOException {
        ExpiredKeyTracker t = new ExpiredKeyTracker(Codec.readCount(in));
        t.saturated = in.readBoolean();
        int n = Codec.readCount(in);
        if (n > t.capacity) {
            throw new IOException("tracker holds " + n + " keys, more than its capacity " + t.capacity);
        }
        t.allocate(Math.max(n, Math.min(t.capacity, 16)));
        long hash = 0;
        long baseTime = Codec.readSignedVarLong(in);
        for (int i = 0; i < n; i++) {
            hash += Codec.readVarLong(in);
            if (i > 0 && hash <= t.hashes[i - 1]) {
                throw new IOException("tracker hashes out of order");
            }
            t.hashes[i] = hash;
            t.firstSeen[i] = baseTime + Codec.readSignedVarLong(in);
            t.expiredAtFirst[i] = Codec.readVarLong(in);
            t.expiredLater[i] = Codec.readVarLong(in);
        }
        t.size = n;
        return t;
    }
}
