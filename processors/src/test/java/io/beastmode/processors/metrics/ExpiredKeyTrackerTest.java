package io.beastmode.processors.metrics;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

class ExpiredKeyTrackerTest {

    /**
     * The hash is stored (the key sample is in state stores), so it must stay FNV-1a over the UTF-8 bytes however it
     * is computed: ASCII keys are hashed char by char, others partly from their bytes.
     */
    @Test
    void hashIsFnvOverTheUtf8BytesForAsciiAndOtherKeys() {
        java.util.Random random = new java.util.Random(5);
        String[] alphabets = {"0123456789abcdef", "aé€\u0000z", "x\ud83d\ude00y"};
        for (int round = 0; round < 300; round++) {
            String alphabet = alphabets[round % alphabets.length];
            StringBuilder key = new StringBuilder();
            int length = random.nextInt(70);
            for (int i = 0; i < length; i++) {
                int at = random.nextInt(alphabet.length());
                if (Character.isHighSurrogate(alphabet.charAt(at))) {
                    key.append(alphabet, at, at + 2);
                } else if (!Character.isLowSurrogate(alphabet.charAt(at))) {
                    key.append(alphabet.charAt(at));
                }
            }
            assertThat(ExpiredKeyTracker.hash(key.toString())).as("key %s", key).isEqualTo(referenceHash(key.toString()));
        }
    }

    private static long referenceHash(String key) {
        long h = 0xcbf29ce484222325L;
        for (byte b : key.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return ExpiredKeyTracker.finish(h);
    }

    @Test
    void countsOnlyExpiriesOfKeysSeenStrictlyEarlier() {
        ExpiredKeyTracker t = new ExpiredKeyTracker(16);
        t.observe("a", 10, true);   // first sight of a: no
        t.observe("a", 10, true);   // same instant as the first sight: not earlier, no
        t.observe("a", 20, true);   // yes
        t.observe("b", 50, true);   // looks first...
        t.observe("b", 40, false);  // ...until an earlier lookup of b arrives late: yes
        t.observe("c", 5, false);
        assertThat(t.rerequested()).isEqualTo(2);
        assertThat(t.isExact()).isTrue();
    }

    @Test
    void splittingTheLookupsAcrossTrackersGivesTheSameCount() {
        ExpiredKeyTracker early = new ExpiredKeyTracker(16);
        ExpiredKeyTracker late = new ExpiredKeyTracker(16);
        early.observe("a", 10, false);
        late.observe("a", 30, true);   // yes, once merged
        late.observe("b", 30, true);
        early.observe("b", 30, true);  // same instant on both sides: neither counts
        late.merge(early);
        assertThat(late.rerequested()).isEqualTo(1);
    }

    @Test
    void beyondCapacityTheCountIsEstimatedFromTheSampleAndOrderIndependent() {
        int keys = 4000;
        ExpiredKeyTracker all = new ExpiredKeyTracker(256);
        ExpiredKeyTracker odd = new ExpiredKeyTracker(256);
        ExpiredKeyTracker even = new ExpiredKeyTracker(256);
        for (int i = 0; i < keys; i++) {
            String key = "key-" + i;
            all.observe(key, 1, false);
            all.observe(key, 2, true);
            // every key is seen on one side and expires on the other, so only the merge can tell
            (i % 2 == 0 ? even : odd).observe(key, 1, false);
            (i % 2 == 0 ? odd : even).observe(key, 2, true);
        }
        assertThat(all.isExact()).isFalse();
        // Bottom-k sampling: the relative standard error is about 1/sqrt(256) = 6%.
        assertThat((double) all.rerequested()).isCloseTo(keys, withinPercentage(20));
        ExpiredKeyTracker merged = new ExpiredKeyTracker(256);
        merged.merge(odd);
        merged.merge(even);
        assertThat(merged.rerequested()).isEqualTo(all.rerequested());
    }

    @Test
    void bytesRoundTrip() throws Exception {
        ExpiredKeyTracker t = new ExpiredKeyTracker(8);
        for (int i = 0; i < 20; i++) {
            t.observe("k" + (i % 12), 1_700_000_000_000L + i, i % 3 == 0);
        }
        var bytes = new java.io.ByteArrayOutputStream();
        t.write(new java.io.DataOutputStream(bytes));
        ExpiredKeyTracker back = ExpiredKeyTracker.read(
                new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())));
        assertThat(back.rerequested()).isEqualTo(t.rerequested());
        assertThat(back.isExact()).isEqualTo(t.isExact()).isFalse();
    }

    /**
     * The array form against the map form it replaced (kept here as the reference): random lookups, split across
     * trackers and merged, give the same counts and the same bytes.
     */
    @Test
    void matchesTheReferenceMapFormUnderRandomObservesAndMerges() throws Exception {
        java.util.Random random = new java.util.Random(7);
        for (int round = 0; round < 200; round++) {
            // Every tenth round is large: pending observations fold in batches of hundreds (the sort's partitions).
            boolean large = round % 10 == 0;
            int capacity = large ? 200 + random.nextInt(400) : 1 + random.nextInt(40);
            int parts = 1 + random.nextInt(4);
            ExpiredKeyTracker[] trackers = new ExpiredKeyTracker[parts];
            Reference[] references = new Reference[parts];
            for (int p = 0; p < parts; p++) {
                trackers[p] = new ExpiredKeyTracker(capacity);
                references[p] = new Reference(capacity);
            }
            int keys = 1 + random.nextInt(large ? 2000 : 120);
            for (int i = random.nextInt(large ? 5000 : 300); i > 0; i--) {
                int p = random.nextInt(parts);
                String key = "k" + random.nextInt(keys);
                long time = random.nextInt(20);
                boolean expired = random.nextBoolean();
                trackers[p].observe(key, time, expired);
                references[p].observe(key, time, expired);
            }
            for (int p = 1; p < parts; p++) {
                trackers[0].merge(trackers[p]);
                references[0].merge(references[p]);
            }
            assertThat(trackers[0].rerequested()).as("round %d", round).isEqualTo(references[0].rerequested());
            assertThat(trackers[0].isExact()).as("round %d", round).isEqualTo(!references[0].saturated);
            var bytes = new java.io.ByteArrayOutputStream();
            trackers[0].write(new java.io.DataOutputStream(bytes));
            var expected = new java.io.ByteArrayOutputStream();
            references[0].write(new java.io.DataOutputStream(expected));
            assertThat(bytes.toByteArray()).as("round %d", round).isEqualTo(expected.toByteArray());
        }
    }

    /** The previous implementation: a TreeMap of hash to {firstSeen, expiredAtFirst, expiredLater}. */
    private static final class Reference {
        final int capacity;
        final java.util.TreeMap<Long, long[]> keys = new java.util.TreeMap<>();
        boolean saturated;

        Reference(int capacity) {
            this.capacity = capacity;
        }

        void observe(String key, long time, boolean expired) {
            long hash = ExpiredKeyTracker.hash(key);
            if (keys.size() >= capacity && !keys.containsKey(hash) && hash > keys.lastKey()) {
                saturated = true;
                return;
            }
            keys.merge(hash, new long[] {time, expired ? 1 : 0, 0}, Reference::combine);
            trim();
        }

        void merge(Reference other) {
            saturated |= other.saturated;
            other.keys.forEach((hash, entry) -> keys.merge(hash, entry.clone(), Reference::combine));
            trim();
        }

        static long[] combine(long[] a, long[] b) {
            if (a[0] == b[0]) {
                return new long[] {a[0], a[1] + b[1], a[2] + b[2]};
            }
            long[] first = a[0] < b[0] ? a : b;
            long[] second = first == a ? b : a;
            return new long[] {first[0], first[1], first[2] + second[1] + second[2]};
        }

        void trim() {
            while (keys.size() > capacity) {
                keys.pollLastEntry();
                saturated = true;
            }
        }

        long rerequested() {
            long sampled = keys.values().stream().mapToLong(e -> e[2]).sum();
            if (!saturated || keys.isEmpty()) {
                return sampled;
            }
            return Math.round(sampled / ((keys.lastKey() + 1.0) / 0x1p63));
        }

        void write(java.io.DataOutput out) throws java.io.IOException {
            Codec.writeVarLong(out, capacity);
            out.writeBoolean(saturated);
            Codec.writeVarLong(out, keys.size());
            long previous = 0;
            long base = keys.isEmpty() ? 0 : keys.firstEntry().getValue()[0];
            Codec.writeSignedVarLong(out, base);
            for (var e : keys.entrySet()) {
                Codec.writeVarLong(out, e.getKey() - previous);
                previous = e.getKey();
                Codec.writeSignedVarLong(out, e.getValue()[0] - base);
                Codec.writeVarLong(out, e.getValue()[1]);
                Codec.writeVarLong(out, e.getValue()[2]);
            }
        }
    }
}
