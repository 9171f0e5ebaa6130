package io.beastmode.topology.model;

import io.beastmode.processors.metrics.CacheObservation;
import io.beastmode.processors.metrics.CostObservation;
import io.beastmode.processors.metrics.RequestObservation;
import io.beastmode.processors.metrics.SelectionObservation;
import io.beastmode.processors.metrics.WindowAggregate;

import java.util.Objects;

/**
 * Internal union of the four observation kinds that flows from the decode step through the by-dimension
 * repartition topic to the window aggregations. Not a public contract: its serde ({@code ObservationSerde}) is
 * private to the pipeline and only has to be readable by the same version.
 *
 * @param provenance where the event came from; carried only on the ALL-dimension copy (one per event), which is the
 *                   copy that is sent to the DLQ if it turns out to be too late for its window
 * @param late       set after the repartition when the copy's tumbling window had already closed; not serialized
 */
public record Observation(Kind kind, Object payload, Provenance provenance, boolean late) {

    public enum Kind { REQUEST, CACHE, SELECTION, COST }

    /** Source coordinates of an input record, for dead letters produced after the repartition. */
    public record Provenance(String topic, int partition, long offset, long timestamp, byte[] originalKey) {
    }

    public Observation {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(payload, "payload");
        Class<?> expected = switch (kind) {
            case REQUEST -> RequestObservation.class;
            case CACHE -> CacheObservation.class;
            case SELECTION -> SelectionObservation.class;
            case COST -> CostObservation.class;
        };
        if (!expected.isInstance(payload)) {
            throw new IllegalArgumentException(kind + " observation needs a " + expected.getSimpleName());
        }
    }

    public static Observation of(RequestObservation r) {
        return new Observation(Kind.REQUEST, r, null, false);
    }

    public static Observation of(CacheObservation c) {
        return new Observation(Kind.CACHE, c, null, false);
    }

    public static Observation of(SelectionObservation s) {
        return new Observation(Kind.SELECTION, s, null, false);
    }

    public static Observation of(CostObservation c) {
        return new Observation(Kind.COST, c, null, false);
    }

    public Observation withProvenance(Provenance p) {
        return new Observation(kind, payload, p, late);
    }

    public Observation withLate(boolean isLate) {
        return isLate == late ? this : new Observation(kind, payload, provenance, isLate);
    }

    public long eventTimeMs() {
        return switch (kind) {
            case REQUEST -> ((RequestObservation) payload).eventTimeMs();
            case CACHE -> ((CacheObservation) payload).eventTimeMs();
            case SELECTION -> ((SelectionObservation) payload).eventTimeMs();
            case COST -> ((CostObservation) payload).eventTimeMs();
        };
    }

    /** Folds this observation into a window aggregate (Kafka aggregator style: returns the aggregate). */
    public WindowAggregate addTo(WindowAggregate aggregate) {
        return switch (kind) {
            case REQUEST -> aggregate.addRequest((RequestObservation) payload);
            case CACHE -> aggregate.addCache((CacheObservation) payload);
            case SELECTION -> aggregate.addSelection((SelectionObservation) payload);
            case COST -> aggregate.addCost((CostObservation) payload);
        };
    }
}
