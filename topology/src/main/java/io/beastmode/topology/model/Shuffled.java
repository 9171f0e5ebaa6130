package io.beastmode.topology.model;

import io.beastmode.processors.metrics.WindowAggregate;

/**
 * A record of the by-dimension repartition topic, keyed by dimension key: an {@link Observation}, a {@link Partial}
 * (several observations of one tumbling window already combined upstream), or a watermark of one upstream (decode)
 * task multicast to every partition. Exactly one of the three is set.
 *
 * @param observation an observation for the dimension key of the record, or null
 * @param watermark   a watermark, or null
 * @param partial     a partial aggregate of one tumbling window for the dimension key of the record, or null
 */
public record Shuffled(Observation observation, Watermark watermark, Partial partial) {

    /**
     * Upstream task {@code sourcePartition} promises that every observation it sends after this record has an event
     * time whose window ends after {@code watermarkMs}, or is late (its stream time minus the grace).
     */
    public record Watermark(int sourcePartition, long watermarkMs) {
    }

    /**
     * The observations one upstream task combined for one tumbling window (start {@code windowStartMs}) and
     * dimension key between two flushes; {@code observations} of them.
     */
    public record Partial(long windowStartMs, int observations, WindowAggregate aggregate) {
    }

    public Shuffled {
        int set = (observation == null ? 0 : 1) + (watermark == null ? 0 : 1) + (partial == null ? 0 : 1);
        if (set != 1) {
            throw new IllegalArgumentException("exactly one of observation, watermark and partial must be set");
        }
    }

    public static Shuffled of(Observation o) {
        return new Shuffled(o, null, null);
    }

    public static Shuffled watermark(int sourcePartition, long watermarkMs) {
        return new Shuffled(null, new Watermark(sourcePartition, watermarkMs), null);
    }

    public static Shuffled partial(long windowStartMs, int observations, WindowAggregate aggregate) {
        return new Shuffled(null, null, new Partial(windowStartMs, observations, aggregate));
    }

    public boolean isWatermark() {
        return watermark != null;
    }

    public boolean isPartial() {
        return partial != null;
    }
}
