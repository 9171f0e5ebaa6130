package io.beastmode.detectors;

import io.beastmode.detectors.AlertConfirmation.Candidate;
import io.beastmode.detectors.AlertConfirmation.Direction;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;

class AlertConfirmationTest {

    private static final long MIN = 60_000L;
    /** A p95 of 30 s against a baseline of 10 s, in the minute [0, 1). */
    private final Candidate slow = new Candidate(0, MIN, 30_000, 10_000, 0.9);

    @Test
    void theNextWindowStillFarOnTheHarmfulSideConfirms() {
        assertThat(slow.confirmedBy(MIN, 30_000, Direction.UP)).isTrue();
        assertThat(slow.confirmedBy(MIN, 20_000, Direction.UP)).as("exactly half the excess").isTrue();
    }

    @Test
    void aOneWindowBlipIsNotConfirmed() {
        assertThat(slow.confirmedBy(MIN, 19_999, Direction.UP)).as("less than half the excess left").isFalse();
        assertThat(slow.confirmedBy(MIN, 10_000, Direction.UP)).as("back at the baseline").isFalse();
        assertThat(slow.confirmedBy(MIN, 2_000, Direction.UP)).as("the other side").isFalse();
    }

    @Test
    void onlyTheDirectlyFollowingWindowConfirms() {
        assertThat(slow.confirmedBy(2 * MIN, 30_000, Direction.UP)).as("a gap in the series").isFalse();
        assertThat(slow.confirmedBy(0, 30_000, Direction.UP)).as("the same window again").isFalse();
    }

    @Test
    void theHarmlessSideOfAOneSidedMetricNeverConfirms() {
        Candidate fast = new Candidate(0, MIN, 2_000, 10_000, 0.9);
        assertThat(fast.confirmedBy(MIN, 2_000, Direction.UP)).isFalse();
        assertThat(fast.confirmedBy(MIN, 2_000, Direction.DOWN)).as("a drop, for a metric where that harms").isTrue();
        Candidate missing = new Candidate(0, MIN, 0.0, 0.3, 0.9); // a cache hit rate that collapsed
        assertThat(missing.confirmedBy(MIN, 0.05, Direction.DOWN)).isTrue();
        assertThat(missing.confirmedBy(MIN, 0.2, Direction.DOWN)).isFalse();
        assertThat(missing.confirmedBy(MIN, 0.0, Direction.UP)).isFalse();
    }

    @Test
    void aCandidateWithoutExcessOrANonFiniteValueNeverConfirms() {
        Candidate flat = new Candidate(0, MIN, 5, 5, 0.9);
        assertThat(flat.confirmedBy(MIN, 5, Direction.UP)).isFalse();
        assertThat(flat.confirmedBy(MIN, 5, Direction.DOWN)).isFalse();
        assertThat(slow.confirmedBy(MIN, Double.NaN, Direction.UP)).isFalse();
    }

    @Test
    void roundTripsThroughBytes() {
        ByteBuffer in = ByteBuffer.wrap(slow.toBytes());
        assertThat(Candidate.fromBytes(in)).isEqualTo(slow);
        assertThat(in.remaining()).isZero();
    }
}
