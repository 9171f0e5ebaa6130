package io.beastmode.topology.window;

/**
 * Wall-clock time during which a processor was actually running, for idleness decisions. Each call passes the current
 * wall clock; the time since the previous call counts only up to {@code maxGapMs}. A stream thread that stalls (a
 * commit blocked on the broker, a long GC, a starved CPU) stops the clock of every task on it, so when it resumes its
 * upstream inputs are not mistaken for silent ones: they were not silent, nobody was reading them. A processor on a
 * running thread is called at least every punctuation interval, so while it runs this clock follows the wall clock.
 */
final class ActiveClock {

    private final long maxGapMs;
    private long lastWall = Long.MIN_VALUE;
    private long active;

    ActiveClock(long maxGapMs) {
        if (maxGapMs <= 0) {
            throw new IllegalArgumentException("maxGapMs must be positive: " + maxGapMs);
        }
        this.maxGapMs = maxGapMs;
    }

    /** Advances to the wall clock {@code now} and returns the active time so far. */
    long advance(long now) {
        if (lastWall != Long.MIN_VALUE && now > lastWall) {
            active += Math.min(now - lastWall, maxGapMs);
        }
        lastWall = Math.max(lastWall, now);
        return active;
    }
}
