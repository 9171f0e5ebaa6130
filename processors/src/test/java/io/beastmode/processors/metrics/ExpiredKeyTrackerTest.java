package io.beastmode.processors.metrics;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

class ExpiredKeyTrackerTest {

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
}
