package io.beastmode.topology.window;

import io.beastmode.processors.metrics.CacheObservation;
import io.beastmode.processors.metrics.CostObservation;
import io.beastmode.processors.metrics.RequestObservation;
import io.beastmode.processors.metrics.SelectionObservation;
import io.beastmode.processors.metrics.WindowAggregate;
import io.beastmode.topology.model.DimensionKeys;
import io.beastmode.topology.model.Observation;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WindowPartials} against the plain way: every event added to the aggregate of each of its keys. Values are
 * whole numbers and binary fractions, so sums come out exact in any order and the snapshots must be equal.
 */
class WindowPartialsTest {

    private static final double TOLERANCE = 0.05;
    private static final long T0 = 1_704_067_200_000L;

    private static List<String> keys(String type, String model, String tenant) {
        return List.of(DimensionKeys.ALL, "REQUEST_TYPE|" + type, "MODEL|" + model,
                "REQUEST_TYPE_MODEL|" + type + "/" + model, "TENANT|" + tenant);
    }

    private record Event(List<String> keys, Observation observation) {
    }

    /** Combinations of every size around the direct adds: far below, at, just past and far past them. */
    private static List<Event> events() {
        Random random = new Random(11);
        Map<List<String>, Integer> sizes = new LinkedHashMap<>();
        sizes.put(keys("chat", "gpt-4o", "acme"), 500);
        sizes.put(keys("chat", "gpt-4o-mini", "acme"), 3);
        sizes.put(keys("code", "gpt-4o", "globex"), WindowPartials.DIRECT);
        sizes.put(keys("code", "claude", "acme"), WindowPartials.DIRECT + 1);
        sizes.put(keys("chat", "claude", "initech"), 1);
        List<String> cacheKeys = List.of(DimensionKeys.ALL, "REQUEST_TYPE|chat", "TENANT|acme",
                "CACHE_TIER_NAMESPACE|EXACT/faq");
        List<Event> events = new ArrayList<>();
        for (Map.Entry<List<String>, Integer> s : sizes.entrySet()) {
            List<String> k = s.getKey();
            String model = k.get(2).substring("MODEL|".length());
            for (int i = 0; i < s.getValue(); i++) {
                long t = T0 + random.nextInt(60_000);
                double latency = 50 + random.nextInt(5_000);
                Observation o = switch (i % 3) {
                    case 0 -> Observation.of(new RequestObservation(t, "acme", "chat", model, random.nextInt(10) == 0,
                            "TIMEOUT", latency, latency / 4, 100 + random.nextInt(900), 10 + random.nextInt(90)));
                    case 1 -> Observation.of(new CostObservation(t, "acme", model, random.nextInt(64) / 1024.0,
                            random.nextInt(64) / 512.0, 100.0, T0));
                    default -> Observation.of(new SelectionObservation(t, "chat", model, random.nextInt(8) == 0,
                            random.nextInt(4) / 4.0, Map.of(model, 0.75, "baseline", 0.5)));
                };
                events.add(new Event(k, o));
            }
        }
        for (int i = 0; i < 40; i++) {
            events.add(new Event(cacheKeys, Observation.of(new CacheObservation(T0 + i * 1_000L, "EXACT", "faq",
                    i % 4 == 0 ? "MISS" : "HIT", 1 + i % 5, null, null, 200, 0.0625, "k" + (i % 7)))));
        }
        Collections.shuffle(events, random);
        return events;
    }

    @Test
    void rollingUpCombinationsAnswersAsAddingEachEventToEachKey() {
        List<Event> events = events();
        WindowPartials partials = new WindowPartials(TOLERANCE);
        Map<String, WindowAggregate> plain = new HashMap<>();
        Map<String, Integer> plainCounts = new HashMap<>();
        for (Event e : events) {
            partials.add(e.keys(), e.observation());
            for (String key : e.keys()) {
                e.observation().addTo(plain.computeIfAbsent(key, k -> new WindowAggregate(TOLERANCE)));
                plainCounts.merge(key, 1, Integer::sum);
            }
        }

        Map<String, WindowPartials.KeyPartial> rolled = partials.rollUp();

        assertThat(rolled.keySet()).isEqualTo(plain.keySet()).hasSize(15);
        for (String key : plain.keySet()) {
            assertThat(rolled.get(key).observations()).as(key).isEqualTo(plainCounts.get(key));
            assertThat(rolled.get(key).aggregate().snapshot(T0, T0 + 60_000)).as(key)
                    .usingRecursiveComparison()
                    .isEqualTo(plain.get(key).snapshot(T0, T0 + 60_000));
        }
        assertThat(rolled.get(DimensionKeys.ALL).observations()).isEqualTo(events.size());
    }

    @Test
    void equalKeyListsAreOneCombinationAndTheRollUpEmptiesThePartials() {
        WindowPartials partials = new WindowPartials(TOLERANCE);
        for (int i = 0; i < 2 * WindowPartials.DIRECT; i++) {
            // A fresh list each time, as when the mapper's cache of key lists was cleared.
            List<String> k = new ArrayList<>(keys("chat", "gpt-4o", "acme"));
            partials.add(List.copyOf(k), Observation.of(new RequestObservation(T0 + i, "acme", "chat", "gpt-4o",
                    false, null, 100 + i, null, 10, 10)));
        }

        assertThat(partials.combinations()).isEqualTo(1);
        Map<String, WindowPartials.KeyPartial> rolled = partials.rollUp();

        assertThat(rolled).hasSize(5);
        assertThat(rolled.values()).allSatisfy(p -> {
            assertThat(p.observations()).isEqualTo(2 * WindowPartials.DIRECT);
            assertThat(p.aggregate().requestCount()).isEqualTo(2 * WindowPartials.DIRECT);
        });
        assertThat(partials.combinations()).isZero();
        assertThat(partials.rollUp()).isEmpty();
    }

    @Test
    void keysRolledUpDoNotShareState() {
        WindowPartials partials = new WindowPartials(TOLERANCE);
        for (int i = 0; i <= WindowPartials.DIRECT; i++) {
            partials.add(keys("chat", "gpt-4o", "acme"), Observation.of(new RequestObservation(T0 + i, "acme", "chat",
                    "gpt-4o", false, null, 100, null, 10, 10)));
        }
        Map<String, WindowPartials.KeyPartial> rolled = partials.rollUp();

        // The downstream merge adds to a partial it was given: no other key may see that.
        rolled.get("TENANT|acme").aggregate().addRequest(new RequestObservation(T0, "acme", "chat", "gpt-4o", false,
                null, 100, null, 10, 10));

        assertThat(rolled.get("TENANT|acme").aggregate().requestCount()).isEqualTo(WindowPartials.DIRECT + 2);
        assertThat(rolled.get(DimensionKeys.ALL).aggregate().requestCount()).isEqualTo(WindowPartials.DIRECT + 1);
        assertThat(rolled.get("MODEL|gpt-4o").aggregate().requestCount()).isEqualTo(WindowPartials.DIRECT + 1);
    }
}
