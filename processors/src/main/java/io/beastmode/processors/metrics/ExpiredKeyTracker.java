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
    // Observations not yet in the sample, in arrival order: an observe appends (a new key used to shift the sorted
    // arrays, 4% of the stream thread at the production density), and they are folded in when the buffer is full
    // or the tracker is read, merged or written.
    private long[] pendingHash = new long[0];
    private long[] pendingTime = new long[0];
    private long[] pendingExpired = new long[0];
    private int pending;

    ExpiredKeyTracker(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
        // Empty: the sample's arrays come from folding in the pending observations (a merge builds new ones).
        allocate(0);
    }

    private void allocate(int n) {
        hashes = new long[n];
        firstSeen = new long[n];
        expiredAtFirst = new long[n];
        expiredLater = new long[n];
    }

    void observe(String keyHash, long eventTimeMs, boolean expired) {
        long hash = hash(keyHash);
        if (size >= capacity && hash > hashes[size - 1]) {
            saturated = true;
            return; // larger than every kept hash: not in the bottom k, and the pending ones can only lower the bar
        }
        if (pending == pendingHash.length) {
            if (pending >= capacity) {
                foldPending();
            } else {
                int n = Math.min(capacity, Math.max(16, pending * 2));
                pendingHash = Arrays.copyOf(pendingHash, n);
                pendingTime = Arrays.copyOf(pendingTime, n);
                pendingExpired = Arrays.copyOf(pendingExpired, n);
            }
        }
        pendingHash[pending] = hash;
        pendingTime[pending] = eventTimeMs;
        pendingExpired[pending] = expired ? 1 : 0;
        pending++;
    }

    /**
     * Sorts the pending observations by hash, folds each key's into one history, and merges them into the sample.
     * Folding in a batch gives what folding one at a time gives: a key's history combines in any order.
     */
    private void foldPending() {
        if (pending == 0) {
            return;
        }
        sortPending(0, pending - 1);
        long[] h = new long[pending];
        long[] f = new long[pending];
        long[] a = new long[pending];
        long[] l = new long[pending];
        int m = 0;
        for (int i = 0; i < pending; i++) {
            if (m > 0 && h[m - 1] == pendingHash[i]) {
                combine(f, a, l, m - 1, pendingTime[i], pendingExpired[i], 0);
            } else {
                h[m] = pendingHash[i];
                f[m] = pendingTime[i];
                a[m] = pendingExpired[i];
                l[m] = 0;
                m++;
            }
        }
        pending = 0;
        ExpiredKeyTracker batch = new ExpiredKeyTracker(h, f, a, l, m);
        merge(batch);
    }

    private ExpiredKeyTracker(long[] hashes, long[] firstSeen, long[] expiredAtFirst, long[] expiredLater, int size) {
        this.capacity = Math.max(1, size);
        this.hashes = hashes;
        this.firstSeen = firstSeen;
        this.expiredAtFirst = expiredAtFirst;
        this.expiredLater = expiredLater;
        this.size = size;
    }

    /** Quicksort of the pending arrays by hash (a few hundred entries; ties need no order, see {@link #foldPending}). */
    private void sortPending(int lo, int hi) {
        while (hi - lo > 16) {
            int mid = (lo + hi) >>> 1;
            long pivot = median(pendingHash[lo], pendingHash[mid], pendingHash[hi]);
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (pendingHash[i] < pivot) {
                    i++;
                }
                while (pendingHash[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    swapPending(i++, j--);
                }
            }
            // Recurse into the smaller side, loop on the larger: the stack stays logarithmic.
            if (j - lo < hi - i) {
                sortPending(lo, j);
                lo = i;
            } else {
                sortPending(i, hi);
                hi = j;
            }
        }
        for (int i = lo + 1; i <= hi; i++) {
            for (int j = i; j > lo && pendingHash[j - 1] > pendingHash[j]; j--) {
                swapPending(j - 1, j);
            }
        }
    }

    private static long median(long a, long b, long c) {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }

    private void swapPending(int i, int j) {
        long h = pendingHash[i];
        pendingHash[i] = pendingHash[j];
        pendingHash[j] = h;
        long t = pendingTime[i];
        pendingTime[i] = pendingTime[j];
        pendingTime[j] = t;
        long e = pendingExpired[i];
        pendingExpired[i] = pendingExpired[j];
        pendingExpired[j] = e;
    }

    /** Combines a second history into key i's: every EXPIRED of the side first seen later counts as re-requested. */
    private static void combine(long[] firstSeen, long[] expiredAtFirst, long[] expiredLater, int i, long time,
                                long atFirst, long later) {
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
        foldPending();
        other.foldPending();
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
                combine(f, a, l, k, other.firstSeen[j], other.expiredAtFirst[j], other.expiredLater[j]);
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
        return size == 0 && pending == 0 && !saturated;
    }

    boolean isExact() {
        foldPending();
        return !saturated;
    }

    long rerequested() {
        foldPending();
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
        foldPending();
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
