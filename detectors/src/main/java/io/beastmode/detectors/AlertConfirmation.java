package io.beastmode.detectors;

import java.nio.ByteBuffer;

/**
 * An alert policy on top of a detector: a window the detector flags is only a candidate, and becomes an alert when
 * the series' next window confirms it, i.e. still lies on the same side of the same baseline by at least
 * {@link #PERSISTENCE} of the candidate's excess. This is Prometheus' {@code for:} clause in event time: a real
 * incident (a degraded model, an error burst, a flushed cache) lasts minutes, while most false alarms on minute
 * windows are one-minute blips (a burst of arrivals, one slow long-context batch in a thin tenant slice). The price
 * is one window of detection delay.
 *
 * <p>The confirmation does not ask the detector again, because a detector that suppresses repeat alerts caps the
 * next scores below its threshold on purpose; it compares the next value with the candidate's baseline instead.
 */
public final class AlertConfirmation {

    /** The next window must keep at least this share of the candidate's distance from the baseline. */
    public static final double PERSISTENCE = 0.5;

    /** Which side of the baseline is a problem for a metric. */
    public enum Direction {
        /** latency, error rate, spend: only higher is harmful */
        UP,
        /** cache hit rate, throughput (an outage): only lower is harmful */
        DOWN
    }

    /**
     * A flagged window waiting for the next one.
     *
     * @param windowStartMs start of the candidate window
     * @param windowEndMs   end of the candidate window; the confirming window must start there
     * @param observed      the candidate's value
     * @param expected      the detector's baseline at the candidate
     * @param score         the detector's score of the candidate
     */
    public record Candidate(long windowStartMs, long windowEndMs, double observed, double expected, double score) {

        static final int BYTES = 2 * Long.BYTES + 3 * Double.BYTES;

        public byte[] toBytes() {
            return ByteBuffer.allocate(BYTES).putLong(windowStartMs).putLong(windowEndMs).putDouble(observed)
                    .putDouble(expected).putDouble(score).array();
        }

        public static Candidate fromBytes(ByteBuffer in) {
            return new Candidate(in.getLong(), in.getLong(), in.getDouble(), in.getDouble(), in.getDouble());
        }

        /** Whether the window {@code [startMs, ...)} with value {@code value} confirms this candidate. */
        public boolean confirmedBy(long startMs, double value, Direction direction) {
            if (startMs != windowEndMs) {
                return false; // not the next window: the series had a gap, the candidate stands alone
            }
            double excess = observed - expected;
            double now = value - expected;
            if (excess == 0 || !Double.isFinite(now)) {
                return false;
            }
            boolean harmfulSide = direction == Direction.UP ? excess > 0 : excess < 0;
            boolean sameSide = Math.signum(now) == Math.signum(excess);
            return harmfulSide && sameSide && Math.abs(now) >= PERSISTENCE * Math.abs(excess);
        }
    }

    private AlertConfirmation() {
    }
}
