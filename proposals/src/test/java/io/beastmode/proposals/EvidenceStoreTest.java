package io.beastmode.proposals;

import io.beastmode.processors.metrics.MetricsSnapshot;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class EvidenceStoreTest {

    /** The series parts reuse each window's earlier encoding; the bytes must be those of a full re-encoding. */
    @Test
    void drainedSeriesPartsAreTheFullEncodingOfTheKeptWindows() {
        EvidenceStore store = new EvidenceStore(5);
        for (int i = 0; i < 12; i++) {
            store.addWindow(Dimension.MODEL, "a", Snap.window(i).requests(100 + i, i % 3, 200 + i).build());
            if (i % 2 == 0) {
                store.addWindow(Dimension.MODEL, "b", Snap.window(i).requests(50 + i, 0, 300 - i).build());
            }
            if (i == 7) { // a late re-emission replaces window 6 of "a"
                store.addWindow(Dimension.MODEL, "a", Snap.window(6).requests(999, 9, 999).build());
            }
            Map<String, byte[]> parts = store.drainSeriesParts();
            assertThat(parts).containsKey(EvidenceStore.partKey(Dimension.MODEL, "a"));
            assertThat(parts.containsKey(EvidenceStore.partKey(Dimension.MODEL, "b"))).isEqualTo(i % 2 == 0);
            for (String key : List.of("a", "b")) {
                byte[] part = parts.get(EvidenceStore.partKey(Dimension.MODEL, key));
                if (part != null) {
                    List<MetricsSnapshot> kept = store.windows(Dimension.MODEL, key);
                    assertThat(kept).hasSizeLessThanOrEqualTo(5);
                    assertThat(part).as("series %s after window %d", key, i).isEqualTo(StateCodec.encode(
                            EvidenceStore.SERIES_FORMAT, out -> StateCodec.writeSnapshots(out, kept)));
                }
            }
        }
        assertThat(store.windows(Dimension.MODEL, "a")).extracting(MetricsSnapshot::windowStartMs)
                .containsExactly(Snap.start(7), Snap.start(8), Snap.start(9), Snap.start(10), Snap.start(11));
    }

    @Test
    void anEvictedSeriesIsADeletionAndComesBackEncodedInFull() {
        EvidenceStore store = new EvidenceStore(5);
        store.addWindow(Dimension.TENANT, "t", Snap.window(0).requests(10, 0, 100).build());
        store.drainSeriesParts();
        store.evictIdle(Snap.end(100), Snap.MIN);
        Map<String, byte[]> evicted = store.drainSeriesParts();
        assertThat(evicted).containsEntry(EvidenceStore.partKey(Dimension.TENANT, "t"), null);
        store.addWindow(Dimension.TENANT, "t", Snap.window(101).requests(20, 1, 150).build());
        byte[] back = store.drainSeriesParts().get(EvidenceStore.partKey(Dimension.TENANT, "t"));
        assertThat(back).isEqualTo(StateCodec.encode(EvidenceStore.SERIES_FORMAT,
                out -> StateCodec.writeSnapshots(out, store.windows(Dimension.TENANT, "t"))));
    }
}
