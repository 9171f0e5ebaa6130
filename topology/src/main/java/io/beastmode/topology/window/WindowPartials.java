package io.beastmode.topology.window;

import io.beastmode.processors.metrics.WindowAggregate;
import io.beastmode.topology.model.Observation;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The partial aggregates of one tumbling window in a decode task: one per dimension key, built per combination of
 * keys (an event's whole fan-out: ALL, its request type, model, request type and model, tenant) where that pays.
 *
 * <p>Why: an event fans out to about five keys, so adding it to each key's aggregate costs five sketch inserts. When
 * traffic is high a window holds far fewer combinations than events (a decode task sees a few hundred combinations
 * and tens of thousands of events per commit interval), so adding an event once, to its combination's aggregate, and
 * merging each combination into its keys when the partials are sent costs much less. When traffic is low a
 * combination holds a handful of events, and merging costs more than the adds it saves. So a combination adds its
 * first {@link #DIRECT} events to its keys directly, as before, and only then starts an aggregate of its own. Either
 * way a combination finds its keys' aggregates once, not per event. Merging adds sketch bins, counts and sums, so the
 * result answers as adding every event to every key would (sums up to the order of rounding).
 *
 * <p>Not thread-safe; no Kafka types.
 */
final class WindowPartials {

    /** Events a combination adds to its keys directly before it starts an aggregate of its own. */
    static final int DIRECT = 32;

    /** One key's partial aggregate, and how many events went into it. */
    record KeyPartial(WindowAggregate aggregate, int observations) {
    }

    private static final class Key {
        final WindowAggregate aggregate;
        int observations;

        Key(double tolerance) {
            aggregate = new WindowAggregate(tolerance);
        }
    }

    private static final class Combination {
        final Key[] keys;
        int direct;
        WindowAggregate aggregate;
        int observations;

        Combination(Key[] keys) {
            this.keys = keys;
        }
    }

    private final double tolerance;
    private final Map<String, Key> byKey = new HashMap<>();
    /** By the event's list of dimension keys: the mapper hands out one shared list per combination. */
    private final Map<List<String>, Combination> byKeys = new HashMap<>();

    WindowPartials(double tolerance) {
        this.tolerance = tolerance;
    }

    void add(List<String> dimensionKeys, Observation observation) {
        Combination c = byKeys.get(dimensionKeys);
        if (c == null) {
            c = combination(dimensionKeys);
        }
        if (c.aggregate != null) {
            observation.addTo(c.aggregate);
            c.observations++;
        } else if (c.direct < DIRECT) {
            c.direct++;
            for (Key k : c.keys) {
                observation.addTo(k.aggregate);
                k.observations++;
            }
        } else {
            c.aggregate = new WindowAggregate(tolerance);
            observation.addTo(c.aggregate);
            c.observations = 1;
        }
    }

    private Combination combination(List<String> dimensionKeys) {
        Key[] keys = new Key[dimensionKeys.size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = byKey.computeIfAbsent(dimensionKeys.get(i), k -> new Key(tolerance));
        }
        Combination c = new Combination(keys);
        byKeys.put(dimensionKeys, c);
        return c;
    }

    /** Combinations of keys held. */
    int combinations() {
        return byKeys.size();
    }

    /** One partial per dimension key, with every combination that names it merged in; empties these partials. */
    Map<String, KeyPartial> rollUp() {
        for (Combination c : byKeys.values()) {
            if (c.aggregate != null) {
                for (Key k : c.keys) {
                    k.aggregate.merge(c.aggregate);
                    k.observations += c.observations;
                }
            }
        }
        Map<String, KeyPartial> partials = new HashMap<>(byKey.size() * 2);
        byKey.forEach((key, k) -> partials.put(key, new KeyPartial(k.aggregate, k.observations)));
        byKey.clear();
        byKeys.clear();
        return partials;
    }
}
