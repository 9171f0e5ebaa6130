package io.beastmode.processors.metrics;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.mapping.LogarithmicMapping;
import com.datadoghq.sketch.ddsketch.store.CollapsingLowestDenseStore;
import java.util.List;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

class LatencySketchTest {

    @Test
    void quantilesAskedTogetherEqualEachAskedAlone() {
        Random random = new Random(3);
        for (int round = 0; round < 30; round++) {
            LatencySketch s = new LatencySketch();
            int n = 1 + random.nextInt(2000);
            for (int i = 0; i < n; i++) {
                s.add(random.nextInt(10) == 0 ? 0.0 : 50 * Math.exp(2 * random.nextGaussian()));
            }
            double[] qs = {0.0, 0.5, 0.95, 0.99, 1.0, random.nextDouble()};
            double[] together = s.quantiles(qs);
            for (int i = 0; i < qs.length; i++) {
                assertThat(together[i]).as("round %d q %s", round, qs[i]).isEqualTo(s.quantile(qs[i]));
            }
        }
        assertThat(new LatencySketch().quantiles(0.5, 0.99)).containsExactly(Double.NaN, Double.NaN);
        assertThatThrownBy(() -> new LatencySketch().quantiles(0.5, 1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LatencySketch().quantiles(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LatencySketch().quantile(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Quantiles of one half or more are found walking down from the highest bin; every answer must be the library's
     * own ({@code getValuesAtQuantiles} on a DDSketch with the same mapping, store and values), clamped to the exact
     * extremes. Includes zeros only, a single value, zeros mixed in, values decades apart (lowest bins collapsed), and
     * quantiles below one half and out of order (the library's path).
     */
    @Test
    void quantilesFoundFromTheTopEqualTheLibrarysAnswers() {
        Random random = new Random(17);
        for (int round = 0; round < 200; round++) {
            LatencySketch ours = new LatencySketch();
            DDSketch library = new DDSketch(new LogarithmicMapping(LatencySketch.DEFAULT_RELATIVE_ACCURACY),
                    () -> new CollapsingLowestDenseStore(LatencySketch.MAX_BINS));
            int n = round % 10 == 0 ? 1 : 1 + random.nextInt(3000);
            int shape = round % 4;
            for (int i = 0; i < n; i++) {
                double v = switch (shape) {
                    case 0 -> 0.0;
                    case 1 -> random.nextInt(5) == 0 ? 0.0 : 50 * Math.exp(2 * random.nextGaussian());
                    case 2 -> Math.pow(10, -9 + 21 * random.nextDouble()); // more bins than a store keeps
                    default -> 1 + random.nextInt(3);
                };
                ours.add(v);
                library.accept(v);
            }
            double[] qs = round % 7 == 0
                    ? new double[] {0.99, 0.5, random.nextDouble()}
                    : new double[] {0.0, 0.25, 0.5, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0};
            double[] expected = library.getValuesAtQuantiles(qs);
            double[] answered = ours.quantiles(qs);
            for (int i = 0; i < qs.length; i++) {
                if (qs[i] >= 0.5) {
                    // The walk itself, unclamped, so a walk that gave up (NaN, the library's path) would fail here.
                    assertThat(LatencySketch.fromTop(library, n, qs[i])).as("round %d q %s", round, qs[i])
                            .isEqualTo(expected[i]);
                }
                double clamped = Math.max(ours.min(), Math.min(ours.max(), expected[i]));
                assertThat(answered[i]).as("round %d (shape %d, %d values) q %s", round, shape, n, qs[i])
                        .isEqualTo(clamped);
                assertThat(ours.quantile(qs[i])).isEqualTo(clamped);
            }
        }
    }

    /**
     * A sketch whose values are all still pending is written straight from them; the bytes must be exactly those of
     * the same values put into the bins first (a read puts them there), for zeros, repeats, one value, a full batch,
     * values decades apart, and values spanning more bins than a store keeps (written the usual way).
     */
    @Test
    void pendingValuesEncodeExactlyLikeTheSameValuesInTheBins() {
        Random random = new Random(23);
        for (int round = 0; round < 300; round++) {
            int n = 1 + random.nextInt(64);
            LatencySketch direct = new LatencySketch(round % 5 == 0 ? 0.02 : LatencySketch.DEFAULT_RELATIVE_ACCURACY);
            LatencySketch binned = new LatencySketch(direct.relativeAccuracy());
            for (int i = 0; i < n; i++) {
                double v = switch (round % 4) {
                    case 0 -> random.nextInt(4) == 0 ? 0.0 : 1 + random.nextInt(5);
                    case 1 -> 50 * Math.exp(2 * random.nextGaussian());
                    case 2 -> Math.pow(10, -9 + 21 * random.nextDouble());
                    default -> Double.MIN_VALUE * random.nextInt(3);
                };
                direct.add(v);
                binned.add(v);
            }
            binned.quantile(0.5); // puts the pending values into the bins
            byte[] fromPending = direct.pendingToBytes();
            if (round % 4 != 2) {
                // Within a store's bins: the direct path must be taken, or this test would compare the usual path
                // with itself.
                assertThat(fromPending).as("round %d, %d values", round, n).isNotNull();
            }
            if (fromPending != null) {
                assertThat(fromPending).as("round %d, %d values", round, n).isEqualTo(binned.toBytes());
            }
            assertThat(direct.toBytes()).as("round %d, %d values", round, n).isEqualTo(binned.toBytes());
            LatencySketch back = LatencySketch.fromBytes(direct.toBytes());
            assertThat(back.count()).isEqualTo(n);
            assertThat(back.quantiles(0.0, 0.5, 0.99, 1.0)).containsExactly(binned.quantiles(0.0, 0.5, 0.99, 1.0));
        }
    }

    /**
     * Values are added to the bins in batches (smallest and largest first). Whenever the sketch is read, merged,
     * copied or encoded in between, it must answer and encode exactly as if each value had gone in at once: here
     * against a sketch merged from one-value sketches, whose bins each took a single value directly.
     */
    @Test
    void valuesAddedInBatchesAnswerAndEncodeLikeValuesAddedOneByOne() {
        Random random = new Random(11);
        for (int round = 0; round < 40; round++) {
            LatencySketch batched = new LatencySketch();
            LatencySketch oneByOne = new LatencySketch();
            int n = random.nextInt(600);
            for (int i = 0; i < n; i++) {
                double v = random.nextInt(20) == 0 ? 0.0 : 80 * Math.exp(2 * random.nextGaussian());
                batched.add(v);
                LatencySketch single = new LatencySketch();
                single.add(v);
                oneByOne.merge(single);
                switch (random.nextInt(40)) {
                    case 0 -> assertThat(batched.quantile(0.5)).isEqualTo(oneByOne.quantile(0.5));
                    case 1 -> assertThat(batched.copy().toBytes()).isEqualTo(oneByOne.toBytes());
                    case 2 -> batched.merge(new LatencySketch());
                    case 3 -> {
                        LatencySketch into = new LatencySketch();
                        into.merge(batched);
                        assertThat(into.toBytes()).isEqualTo(oneByOne.toBytes());
                    }
                    default -> { }
                }
            }
            assertThat(batched.count()).isEqualTo(n);
            assertThat(batched.isEmpty()).isEqualTo(n == 0);
            assertThat(batched.toBytes()).as("round %d, %d values", round, n).isEqualTo(oneByOne.toBytes());
            assertThat(batched.toBytesV1()).isEqualTo(oneByOne.toBytesV1());
            assertThat(batched.toProtoBytes()).isEqualTo(oneByOne.toProtoBytes());
            assertThat(batched.quantiles(0.0, 0.5, 0.95, 0.99, 1.0))
                    .containsExactly(oneByOne.quantiles(0.0, 0.5, 0.95, 0.99, 1.0));
        }
    }

    @Test
    void quantilesTargetTheLowerNearestRank() {
        // Widely spaced values so that each rank is identifiable despite the 0.5% relative error.
        LatencySketch s = new LatencySketch();
        for (double v : new double[]{400, 100, 300, 200}) {
            s.add(v);
        }
        // n = 4: rank floor(q * 3) -> q=0.5 is rank 1 (200), q=0.95 and q=0.99 rank 2 (300), q=1 rank 3 (400).
        assertThat(s.quantile(0.0)).isEqualTo(100.0); // clamped to the exact min
        assertThat(s.quantile(0.5)).isCloseTo(200.0, withinPercentage(0.5));
        assertThat(s.quantile(0.95)).isCloseTo(300.0, withinPercentage(0.5));
        assertThat(s.quantile(0.99)).isCloseTo(300.0, withinPercentage(0.5));
        assertThat(s.quantile(1.0)).isEqualTo(400.0);
        assertThat(s.count()).isEqualTo(4);
        assertThat(s.min()).isEqualTo(100.0);
        assertThat(s.max()).isEqualTo(400.0);
        assertThat(s.mean()).isEqualTo(250.0);
    }

    @Test
    void everyQuantileOfAWideDistributionIsWithinHalfAPercent() {
        Random random = new Random(7);
        double[] values = new double[5000];
        LatencySketch s = new LatencySketch();
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.exp(random.nextGaussian() * 2 + 5); // roughly 0.3 ms .. 50 s
            s.add(values[i]);
        }
        Arrays.sort(values);
        for (int p = 0; p <= 100; p++) {
            double q = p / 100.0;
            double exact = values[(int) Math.floor(q * (values.length - 1))];
            assertThat(s.quantile(q)).as("q=%s", q).isCloseTo(exact, withinPercentage(0.5));
        }
    }

    @Test
    void mergeAnswersExactlyLikeOneSketchOfAllValues() {
        Random random = new Random(11);
        LatencySketch all = new LatencySketch();
        LatencySketch a = new LatencySketch();
        LatencySketch b = new LatencySketch();
        for (int i = 0; i < 2000; i++) {
            double v = 10 + random.nextDouble() * (i % 2 == 0 ? 100 : 10_000);
            all.add(v);
            (i % 3 == 0 ? a : b).add(v);
        }
        a.merge(b);
        assertThat(a.count()).isEqualTo(all.count());
        assertThat(a.min()).isEqualTo(all.min());
        assertThat(a.max()).isEqualTo(all.max());
        assertThat(a.mean()).isCloseTo(all.mean(), within(1e-9));
        for (double q : new double[]{0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999}) {
            assertThat(a.quantile(q)).isEqualTo(all.quantile(q));
        }
        assertThat(a.toProtoBytes()).isEqualTo(all.toProtoBytes());
    }

    @Test
    void bytesRoundTripExactly() {
        LatencySketch s = new LatencySketch();
        for (int i = 1; i <= 1000; i++) {
            s.add(i * 1.7);
        }
        s.add(0.0);
        LatencySketch back = LatencySketch.fromBytes(s.toBytes());
        assertThat(back.count()).isEqualTo(1001);
        assertThat(back.min()).isEqualTo(0.0);
        assertThat(back.max()).isEqualTo(s.max());
        assertThat(back.sum()).isEqualTo(s.sum());
        for (double q : new double[]{0, 0.001, 0.5, 0.95, 0.99, 1}) {
            assertThat(back.quantile(q)).isEqualTo(s.quantile(q));
        }
        assertThat(back.toBytes()).isEqualTo(s.toBytes());
        // The bins, not the values, are stored: far below 8 bytes per value.
        assertThat(s.toBytes().length).isLessThan(1001 * 8 / 4);
    }

    @Test
    void customAccuracySurvivesTheRoundTripAndRefusesToMergeWithTheDefault() {
        LatencySketch coarse = new LatencySketch(0.02);
        coarse.add(123.0);
        LatencySketch back = LatencySketch.fromBytes(coarse.toBytes());
        assertThat(back.relativeAccuracy()).isEqualTo(0.02);
        assertThat(back.quantile(0.5)).isEqualTo(123.0);
        assertThatThrownBy(() -> new LatencySketch().merge(back)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void emptySketchHasNoValuesAndSurvivesTheRoundTrip() {
        LatencySketch empty = LatencySketch.fromBytes(new LatencySketch().toBytes());
        assertThat(empty.isEmpty()).isTrue();
        assertThat(empty.count()).isZero();
        assertThat(empty.quantile(0.5)).isNaN();
        assertThat(empty.max()).isNaN();
        assertThat(empty.mean()).isNaN();
        LatencySketch one = new LatencySketch();
        one.add(5);
        one.merge(empty);
        assertThat(one.min()).isEqualTo(5.0);
    }

    @Test
    void rejectsValuesALatencyCannotHave() {
        LatencySketch s = new LatencySketch();
        assertThatThrownBy(() -> s.add(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.add(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.add(Double.POSITIVE_INFINITY)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LatencySketch.fromBytes(new byte[]{9})).isInstanceOf(IllegalArgumentException.class);
        assertThat(s.isEmpty()).isTrue();
    }

    @Test
    void formatOneBytesWrittenBeforeStillReadAndAnswerTheSame() {
        java.util.Random random = new java.util.Random(7);
        for (int round = 0; round < 50; round++) {
            LatencySketch s = new LatencySketch();
            int n = random.nextInt(2_000);
            for (int i = 0; i < n; i++) {
                s.add(random.nextInt(20) == 0 ? 0.0 : Math.exp(random.nextGaussian() * 2 + 6));
            }
            byte[] v1 = s.toBytesV1();
            byte[] v2 = s.toBytes();
            assertThat(v1[0]).isEqualTo((byte) 1);
            assertThat(v2[0]).isEqualTo((byte) 2);
            LatencySketch fromV1 = LatencySketch.fromBytes(v1);
            LatencySketch fromV2 = LatencySketch.fromBytes(v2);
            for (LatencySketch back : List.of(fromV1, fromV2)) {
                assertThat(back.count()).isEqualTo(s.count());
                assertThat(back.sum()).isEqualTo(s.sum());
                assertThat(back.toProtoBytes()).isEqualTo(s.toProtoBytes());
                assertThat(back.toBytes()).isEqualTo(v2);
                for (double q : new double[]{0, 0.5, 0.95, 0.99, 1}) {
                    assertThat(back.quantile(q)).isEqualTo(s.quantile(q));
                }
            }
        }
    }

    @Test
    void aDecodedSketchMergesAndGrowsLikeOneBuiltFromValues() {
        LatencySketch a = new LatencySketch();
        LatencySketch b = new LatencySketch();
        LatencySketch all = new LatencySketch();
        for (int i = 0; i < 3_000; i++) {
            double v = 0.5 + (i * 7919 % 100_000) * 1.3;
            (i % 2 == 0 ? a : b).add(v);
            all.add(v);
        }
        LatencySketch merged = LatencySketch.fromBytes(a.toBytes());
        merged.merge(LatencySketch.fromBytes(b.toBytes()));
        merged.add(1e7);
        all.add(1e7);
        // Same bins (the sum may differ in its last bit: it was added up in another order).
        assertThat(java.util.Arrays.equals(merged.toProtoBytes(), all.toProtoBytes())).isTrue();
        assertThat(merged.count()).isEqualTo(all.count());
        assertThat(merged.quantile(0.99)).isEqualTo(all.quantile(0.99));
    }

    @Test
    void corruptFormatTwoBytesAreRefusedWithAClearError() {
        LatencySketch s = new LatencySketch();
        for (int i = 1; i <= 100; i++) {
            s.add(i);
        }
        byte[] good = s.toBytes();
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 3);
        byte[] trailing = java.util.Arrays.copyOf(good, good.length + 1);
        assertThatThrownBy(() -> LatencySketch.fromBytes(truncated))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("corrupt");
        assertThatThrownBy(() -> LatencySketch.fromBytes(trailing))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("corrupt");
        assertThatThrownBy(() -> LatencySketch.fromBytes(new byte[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("corrupt");
        assertThatThrownBy(() -> LatencySketch.fromBytes(new byte[]{2, 7}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("corrupt")
                .hasMessageContaining("accuracy flag 7");
    }
}
