package io.beastmode.processors.metrics;

import org.assertj.core.api.recursive.comparison.RecursiveComparisonConfiguration;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** Merging and byte round trips against the aggregate of all events, over random event mixes. */
class WindowAggregateMergeTest {

    private static final long WINDOW = 300_000;
    private static final String[] TYPES = {"chat", "code", "summarize", "embed", "qa", "translate", "classify"};
    private static final String[] MODELS = {"gpt-4", "gpt-4o-mini", "llama-70b"};
    private static final String[] TIERS = {"EXACT", "SEMANTIC", "PREFIX"};
    private static final String[] OUTCOMES = {"HIT", "MISS", "EXPIRED", "BYPASS", "ERROR"};

    /** Floating-point sums (spend, mean, sums of squares) may differ in the last bits with the merge order. */
    private static final Comparator<Double> CLOSE = (x, y) ->
            x.equals(y) || Math.abs(x - y) <= 1e-9 * Math.max(1, Math.max(Math.abs(x), Math.abs(y))) ? 0 : 1;

    private static RecursiveComparisonConfiguration closeDoubles() {
        return RecursiveComparisonConfiguration.builder().withComparatorForType(CLOSE, Double.class).build();
    }

    /** Random events of every family as adders, so a list can be split across aggregates. */
    static List<Consumer<WindowAggregate>> randomEvents(Random random, int n) {
        List<Consumer<WindowAggregate>> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long t = random.nextInt((int) WINDOW);
            String type = TYPES[random.nextInt(TYPES.length)];
            String model = MODELS[random.nextInt(MODELS.length)];
            switch (random.nextInt(4)) {
                case 0 -> {
                    boolean error = random.nextInt(10) == 0;
                    var r = new RequestObservation(t, "tenant", type, model, error,
                            error && random.nextBoolean() ? "RATE_LIMITED" : null,
                            50 + Math.exp(random.nextGaussian() + 6), random.nextBoolean() ? 5 + random.nextDouble() * 300 : null,
                            random.nextInt(20_000), random.nextInt(1000));
                    events.add(a -> a.addRequest(r));
                }
                case 1 -> {
                    String tier = TIERS[random.nextInt(TIERS.length)];
                    double threshold = 0.9;
                    var c = new CacheObservation(t, tier, "ns", OUTCOMES[random.nextInt(OUTCOMES.length)],
                            random.nextDouble() * 20, tier.equals("SEMANTIC") ? 0.75 + random.nextDouble() * 0.2 : null,
                            tier.equals("SEMANTIC") ? threshold : null, random.nextInt(500), random.nextDouble() / 100,
                            "key-" + random.nextInt(40));
                    events.add(a -> a.addCache(c));
                }
                case 2 -> {
                    Map<String, Double> candidates = new HashMap<>();
                    if (random.nextBoolean()) {
                        for (String m : MODELS) {
                            candidates.put(m, random.nextDouble());
                        }
                    }
                    var s = new SelectionObservation(t, type, model, random.nextInt(8) == 0,
                            random.nextInt(4) == 0 ? null : random.nextDouble(), candidates);
                    events.add(a -> a.addSelection(s));
                }
                default -> {
                    var c = new CostObservation(t, "tenant", model, random.nextDouble() / 10,
                            random.nextBoolean() ? random.nextDouble() / 5 : null,
                            random.nextBoolean() ? 100.0 + random.nextInt(3) * 50 : null, 0L);
                    events.add(a -> a.addCost(c));
                }
            }
        }
        return events;
    }

    private static WindowAggregate aggregate(List<Consumer<WindowAggregate>> events) {
        WindowAggregate a = new WindowAggregate();
        events.forEach(e -> e.accept(a));
        return a;
    }

    @RepeatedTest(5)
    void mergeIsAssociativeAndEqualsTheAggregateOfAllEvents(RepetitionInfo repetition) {
        Random random = new Random(repetition.getCurrentRepetition());
        List<Consumer<WindowAggregate>> events = randomEvents(random, 3000);
        List<List<Consumer<WindowAggregate>>> parts = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        events.forEach(e -> parts.get(random.nextInt(3)).add(e));
        WindowAggregate a = aggregate(parts.get(0));
        WindowAggregate b = aggregate(parts.get(1));
        WindowAggregate c = aggregate(parts.get(2));
        MetricsSnapshot expected = aggregate(events).snapshot(0, WINDOW);

        MetricsSnapshot left = a.copy().merge(b).merge(c).snapshot(0, WINDOW);
        MetricsSnapshot right = a.copy().merge(b.copy().merge(c)).snapshot(0, WINDOW);
        MetricsSnapshot reversed = c.copy().merge(b).merge(a).snapshot(0, WINDOW);
        for (MetricsSnapshot merged : List.of(left, right, reversed)) {
            assertThat(merged).usingRecursiveComparison(closeDoubles()).isEqualTo(expected);
            // Sketch merges add bins, so quantiles are identical, not merely close.
            assertThat(merged.latency().p50()).isEqualTo(expected.latency().p50());
            assertThat(merged.latency().p95()).isEqualTo(expected.latency().p95());
            assertThat(merged.latency().p99()).isEqualTo(expected.latency().p99());
            assertThat(merged.timeToFirstToken().p99()).isEqualTo(expected.timeToFirstToken().p99());
            assertThat(merged.cache().lookupLatencyP95Ms()).isEqualTo(expected.cache().lookupLatencyP95Ms());
            assertThat(merged.cache().expiredRerequested()).isEqualTo(expected.cache().expiredRerequested());
            assertThat(merged.latencySketch()).isEqualTo(expected.latencySketch());
        }
        assertThat(expected.cache().expiredRerequested()).isPositive(); // the key pool is small enough to repeat
    }

    @Test
    void bytesRoundTripExactlyAndStayStable() {
        WindowAggregate a = aggregate(randomEvents(new Random(42), 2000));
        byte[] bytes = a.toBytes();
        WindowAggregate back = WindowAggregate.fromBytes(bytes);
        assertThat(back.snapshot(0, WINDOW)).isEqualTo(a.snapshot(0, WINDOW));
        assertThat(back.toBytes()).isEqualTo(bytes);
        assertThat(back.requestCount()).isEqualTo(a.requestCount());
    }

    @Test
    void roundTrippedPartsMergeLikeTheOriginals() {
        Random random = new Random(3);
        WindowAggregate a = aggregate(randomEvents(random, 500));
        WindowAggregate b = aggregate(randomEvents(random, 500));
        MetricsSnapshot direct = a.copy().merge(b).snapshot(0, WINDOW);
        MetricsSnapshot viaBytes = WindowAggregate.fromBytes(a.toBytes())
                .merge(WindowAggregate.fromBytes(b.toBytes())).snapshot(0, WINDOW);
        assertThat(viaBytes).isEqualTo(direct);
    }

    @Test
    void mergeLeavesTheOtherAggregateUntouched() {
        Random random = new Random(5);
        WindowAggregate a = new WindowAggregate();
        WindowAggregate b = aggregate(randomEvents(random, 300));
        byte[] before = b.toBytes();
        a.merge(b); // a is empty, so it takes copies of b's families
        randomEvents(random, 300).forEach(e -> e.accept(a));
        assertThat(b.toBytes()).isEqualTo(before);
        assertThat(a.requestCount()).isGreaterThan(b.requestCount());
    }

    @Test
    void mergingAnEmptyAggregateChangesNothing() {
        WindowAggregate a = aggregate(randomEvents(new Random(9), 200));
        byte[] before = a.toBytes();
        a.merge(new WindowAggregate());
        assertThat(a.toBytes()).isEqualTo(before);
        assertThat(new WindowAggregate().merge(a).toBytes()).isEqualTo(before);
    }
}
