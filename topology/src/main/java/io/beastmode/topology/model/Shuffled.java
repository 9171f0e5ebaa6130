package io.beastmode.topology.model;

/**
 * A record of the by-dimension repartition topic: either an {@link Observation} keyed by its dimension key, or a
 * watermark of one upstream (decode) task multicast to every partition. Exactly one of the two is set.
 *
 * @param observation an observation for the dimension key of the record, or null
 * @param watermark   a watermark, or null
 */
public record Shuffled(Observation observation, Watermark watermark) {

    /**
     * Upstream task {@code sourcePartition} promises that every observation it sends after this record has an event
     * time whose window ends after {@code watermarkMs}, or is late (its stream time minus the grace).
     */
    public record Watermark(int sourcePartition, long watermarkMs) {
    }

    public Shuffled {
        if ((observation == null) == (watermark == null)) {
            throw new IllegalArgumentException("exactly one of observation and watermark must be set");
        }
    }

    public static Shuffled of(Observation o) {
        return new Shuffled(o, null);
    }

    public static Shuffled watermark(int sourcePartition, long watermarkMs) {
        return new Shuffled(null, new Watermark(sourcePartition, watermarkMs));
    }

    public boolean isWatermark() {
        return watermark != null;
    }
}
