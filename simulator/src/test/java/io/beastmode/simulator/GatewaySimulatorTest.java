package io.beastmode.simulator;

import io.beastmode.clients.EventValidator;
import io.beastmode.telemetry.v1.CacheEvent;
import io.beastmode.telemetry.v1.CacheOutcome;
import io.beastmode.telemetry.v1.CacheTier;
import io.beastmode.telemetry.v1.CostEvent;
import io.beastmode.telemetry.v1.RequestEvent;
import io.beastmode.telemetry.v1.RequestStatus;
import io.beastmode.telemetry.v1.SelectionEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The generated stream on the full data when present (the bundled sample otherwise): deterministic, time-ordered,
 * valid by the client contract, and with the scheduled incidents visible in it.
 */
class GatewaySimulatorTest {
    private static TraceData data;
    /** Enough events to cover all default incidents and their aftermath (about 45 simulated minutes). */
    private static final long EVENTS = 140_000;
    private static List<SimEvent> events;
    private static GatewaySimulator simulator;

    @BeforeAll
    static void generate() {
        data = TraceData.load(TraceFiles.resolve(SimulatorOptions.defaultDataDir()));
        simulator = new GatewaySimulator(data, new SimulatorOptions().seed(7).maxEvents(EVENTS));
        events = simulator.stream().toList();
    }

    @Test
    void sameSeedGivesIdenticalEventsAndAnotherSeedDoesNot() {
        List<SimEvent> again = new GatewaySimulator(data, new SimulatorOptions().seed(7).maxEvents(20_000)).stream().toList();
        assertThat(again).isEqualTo(events.subList(0, 20_000));
        List<SimEvent> other = new GatewaySimulator(data, new SimulatorOptions().seed(8).maxEvents(20_000)).stream().toList();
        assertThat(other).isNotEqualTo(again);
        // Same arrivals though: the trace, not the seed, decides when requests come.
        List<Long> arrivalsOther = other.stream().filter(e -> e.kind() == EventKind.SELECTION).map(SimEvent::eventTime).toList();
        List<Long> arrivalsAgain = again.stream().filter(e -> e.kind() == EventKind.SELECTION).map(SimEvent::eventTime).toList();
        int common = Math.min(arrivalsOther.size(), arrivalsAgain.size());
        assertThat(common).isGreaterThan(4_000);
        assertThat(arrivalsOther.subList(0, common)).isEqualTo(arrivalsAgain.subList(0, common));
    }

    @Test
    void stopsAtMaxEventsAndOnePassCoversTheTraceExactlyOnce() {
        assertThat(events).hasSize((int) EVENTS);
        GatewaySimulator onePass = new GatewaySimulator(data, new SimulatorOptions().seed(1));
        Map<EventKind, Long> counts = new EnumMap<>(EventKind.class);
        Map<String, Integer> cachePerRequest = new HashMap<>();
        onePass.forEachRemaining(e -> {
            counts.merge(e.kind(), 1L, Long::sum);
            if (e.kind() == EventKind.CACHE) {
                cachePerRequest.merge(e.requestId(), 1, Integer::sum);
            }
        });
        long requests = data.requests();
        assertThat(onePass.requestsGenerated()).isEqualTo(requests);
        assertThat(counts.get(EventKind.REQUEST)).isEqualTo(requests);
        assertThat(counts.get(EventKind.SELECTION)).isEqualTo(requests);
        assertThat(counts.get(EventKind.COST)).isEqualTo(requests);
        assertThat(cachePerRequest).hasSize((int) requests); // every request consults at least one cache tier
        assertThat(cachePerRequest.values()).allSatisfy(n -> assertThat(n).isBetween(1, 2));
    }

    @Test
    void eventTimeIsMonotonicOverallPerKindAndInRequestOrder() {
        long last = Long.MIN_VALUE;
        Map<EventKind, Long> lastPerKind = new EnumMap<>(EventKind.class);
        Map<String, Long> selectionAt = new HashMap<>();
        for (SimEvent e : events) {
            assertThat(e.eventTime()).isGreaterThanOrEqualTo(last);
            assertThat(e.eventTime()).isGreaterThanOrEqualTo(lastPerKind.getOrDefault(e.kind(), Long.MIN_VALUE));
            last = e.eventTime();
            lastPerKind.put(e.kind(), e.eventTime());
            if (e.kind() == EventKind.SELECTION) {
                selectionAt.put(e.requestId(), e.eventTime());
            } else if (selectionAt.containsKey(e.requestId())) {
                assertThat(e.eventTime()).isGreaterThanOrEqualTo(selectionAt.get(e.requestId()));
            }
        }
        // Arrivals of each source keep the trace's order and times (shifted only by whole laps).
        assertThat(events.get(0).eventTime()).isEqualTo(data.traceStartMs());
    }

    @Test
    void startShiftsEveryEventTimeByTheSameAmount() {
        Instant start = Instant.parse("2030-01-01T00:00:00Z");
        List<SimEvent> shifted = new GatewaySimulator(data, new SimulatorOptions().seed(7).maxEvents(5_000).start(start)).stream().toList();
        long shift = start.toEpochMilli() - data.traceStartMs();
        for (int i = 0; i < shifted.size(); i++) {
            assertThat(shifted.get(i).eventTime()).isEqualTo(events.get(i).eventTime() + shift);
        }
    }

    @Test
    void aRequestRateSpacesTheArrivalsAtThatRateInTraceOrder() {
        double rate = 50_000;
        Map<String, Long> dense = arrivals(new GatewaySimulator(data, new SimulatorOptions().seed(7).requestRate(rate)));
        Map<String, Long> trace = arrivals(new GatewaySimulator(data, new SimulatorOptions().seed(7)));
        assertThat(dense).hasSize(data.requests()).containsOnlyKeys(trace.keySet());
        long start = data.traceStartMs();
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        long previous = Long.MIN_VALUE;
        for (int i = 0; i < data.requests(); i++) {
            String id = "req-7-" + i; // request ids count arrivals in trace order
            long t = dense.get(id);
            assertThat(t).isGreaterThanOrEqualTo(previous).isGreaterThanOrEqualTo(start);
            // Each arrival keeps its place: its trace offset, shrunk by one factor.
            assertThat(t - start).isLessThanOrEqualTo(trace.get(id) - start);
            previous = t;
            first = Math.min(first, t);
            last = Math.max(last, t);
        }
        // One pass of the trace at 50,000 requests/s lasts requests / 50,000 seconds of event time.
        assertThat((last - first) / 1000.0).isCloseTo(data.requests() / rate, within(data.requests() / rate * 0.01));
        long sameSpacing = arrivals(new GatewaySimulator(data, new SimulatorOptions().seed(7).requestRate(0)))
                .get("req-7-100");
        assertThat(sameSpacing).isEqualTo(trace.get("req-7-100"));
    }

    /** Arrival (first event) time of each request. */
    private static Map<String, Long> arrivals(GatewaySimulator simulator) {
        Map<String, Long> out = new HashMap<>();
        simulator.forEachRemaining(e -> out.putIfAbsent(e.requestId(), e.eventTime()));
        return out;
    }

    @Test
    void everyEventPassesThePublisherValidation() {
        EventValidator validator = new EventValidator(EventValidator.DEFAULT_MIN_EVENT_TIME, Duration.ofDays(3650), Clock.systemUTC());
        events.forEach(e -> validator.validate(e.record()));
    }

    @Test
    void costIsTokensTimesPricesAndBaselineIsTheExpensiveModel() {
        Map<String, PriceBook.Price> prices = simulator.prices();
        for (SimEvent e : events) {
            if (e.record() instanceof CostEvent c) {
                PriceBook.Price p = prices.get(c.getModel());
                assertThat(c.getCostUsd()).isCloseTo(p.cost(c.getInputTokens(), c.getOutputTokens()), within(1e-12));
                assertThat(c.getBaselineModel()).isEqualTo(RouteLlmQuality.STRONG_MODEL);
                assertThat(c.getBaselineCostUsd()).isGreaterThanOrEqualTo(c.getCostUsd() - 1e-12);
            }
        }
    }

    @Test
    void observedQualityIsTheSelectedModelsRealCorrectness() {
        Map<String, double[]> byTypeModel = new HashMap<>();
        for (SimEvent e : events) {
            if (e.record() instanceof SelectionEvent s && s.getObservedQuality() != null) {
                assertThat(s.getObservedQuality()).isEqualTo(s.getCandidateQualities().get(s.getSelectedModel()));
                double[] acc = byTypeModel.computeIfAbsent(s.getRequestType() + "/" + s.getSelectedModel(), k -> new double[2]);
                acc[0] += s.getObservedQuality();
                acc[1]++;
            }
        }
        double codeGap = mean(byTypeModel, "code/" + RouteLlmQuality.STRONG_MODEL) - mean(byTypeModel, "code/" + RouteLlmQuality.WEAK_MODEL);
        double chatGap = mean(byTypeModel, "conversation/" + RouteLlmQuality.STRONG_MODEL)
                - mean(byTypeModel, "conversation/" + RouteLlmQuality.WEAK_MODEL);
        assertThat(codeGap).isGreaterThan(0.1);
        assertThat(Math.abs(chatGap)).isLessThan(0.04);
    }

    private static double mean(Map<String, double[]> m, String key) {
        double[] a = m.get(key);
        return a[0] / a[1];
    }

    private static Incident incident(Incident.Kind kind) {
        return simulator.incidents().stream().filter(i -> i.kind() == kind).findFirst().orElseThrow();
    }

    private static double p95(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v[(int) Math.ceil(0.95 * v.length) - 1];
    }

    private static List<Double> latencies(String model, long from, long to) {
        List<Double> out = new ArrayList<>();
        for (SimEvent e : events) {
            if (e.record() instanceof RequestEvent r && r.getServedModel().equals(model) && r.getStatus() == RequestStatus.OK
                    && e.eventTime() >= from && e.eventTime() < to) {
                out.add(r.getLatencyMs());
            }
        }
        return out;
    }

    @Test
    void degradedModelHasAboutThreeTimesTheP95DuringTheIncident() {
        Incident degraded = incident(Incident.Kind.DEGRADED_LATENCY);
        long minute = 60_000;
        // Requests complete after they arrive: skip the first minute of the incident and the one after it ends.
        List<Double> during = latencies(degraded.target(), degraded.startMs() + minute, degraded.endMs());
        List<Double> before = latencies(degraded.target(), degraded.startMs() - 5 * minute, degraded.startMs());
        List<Double> after = latencies(degraded.target(), degraded.endMs() + 2 * minute, degraded.endMs() + 7 * minute);
        assertThat(during).hasSizeGreaterThan(500);
        assertThat(p95(during) / p95(before)).isBetween(2.5, 3.5);
        assertThat(p95(after) / p95(before)).isBetween(0.75, 1.33);
        // The other model is untouched.
        String other = RouteLlmQuality.WEAK_MODEL;
        assertThat(p95(latencies(other, degraded.startMs() + minute, degraded.endMs()))
                / p95(latencies(other, degraded.startMs() - 5 * minute, degraded.startMs()))).isBetween(0.7, 1.4);
    }

    private static double errorRate(String model, long from, long to) {
        long n = 0;
        long errors = 0;
        for (SimEvent e : events) {
            if (e.record() instanceof RequestEvent r && r.getServedModel().equals(model) && e.eventTime() >= from && e.eventTime() < to) {
                n++;
                if (r.getStatus() != RequestStatus.OK) {
                    errors++;
                }
            }
        }
        assertThat(n).as("requests of %s", model).isGreaterThan(100);
        return (double) errors / n;
    }

    @Test
    void errorBurstFailsAboutThirtyPercentOfTheTargetModel() {
        Incident burst = incident(Incident.Kind.ERROR_BURST);
        long minute = 60_000;
        // Errors complete quickly, but requests arriving just before the end finish after it: trim both ends.
        double during = errorRate(burst.target(), burst.startMs() + 5_000, burst.endMs() - 5_000);
        // Cached answers never fail, so the rate over all its requests is a bit under 30%.
        assertThat(during).isBetween(0.2, 0.35);
        assertThat(errorRate(burst.target(), burst.startMs() - 6 * minute, burst.startMs())).isLessThan(0.02);
        assertThat(errorRate(burst.target(), burst.endMs() + minute, burst.endMs() + 6 * minute)).isLessThan(0.02);
        assertThat(errorRate(RouteLlmQuality.STRONG_MODEL, burst.startMs() + 5_000, burst.endMs() - 5_000)).isLessThan(0.02);
    }

    private static double hitRate(Predicate<CacheEvent> which, long from, long to) {
        long n = 0;
        long hits = 0;
        for (SimEvent e : events) {
            if (e.record() instanceof CacheEvent c && which.test(c) && e.eventTime() >= from && e.eventTime() < to) {
                n++;
                if (c.getOutcome() == CacheOutcome.HIT) {
                    hits++;
                }
            }
        }
        assertThat(n).isGreaterThan(100);
        return (double) hits / n;
    }

    @Test
    void cacheFlushCollapsesTheHitRateOfEveryTier() {
        Incident flush = incident(Incident.Kind.CACHE_FLUSH);
        long minute = 60_000;
        for (CacheTier tier : CacheTier.values()) {
            Predicate<CacheEvent> inTier = c -> c.getTier() == tier;
            double before = hitRate(inTier, flush.startMs() - 6 * minute, flush.startMs());
            double during = hitRate(inTier, flush.startMs(), flush.endMs());
            assertThat(before).as("%s hit rate before", tier).isGreaterThan(0.05);
            assertThat(during).as("%s hit rate during", tier).isZero();
            assertThat(hitRate(inTier, flush.endMs() + 5 * minute, flush.endMs() + 10 * minute)).as("%s recovers", tier)
                    .isGreaterThan(before / 3);
        }
    }

    @Test
    void prefixHitsSaveTheReusedBlocksAndSemanticLookupsReportTheirSimilarity() {
        long saved = 0;
        long input = 0;
        Map<String, RequestEvent> requests = new HashMap<>();
        for (SimEvent e : events) {
            if (e.record() instanceof RequestEvent r) {
                requests.put(r.getRequestId(), r);
            }
        }
        for (SimEvent e : events) {
            if (e.record() instanceof CacheEvent c) {
                RequestEvent r = requests.get(c.getRequestId()); // null for requests completing after the last event
                if (c.getTier() == CacheTier.PREFIX && r != null) {
                    assertThat(c.getTokensSaved() % MooncakeTrace.BLOCK_TOKENS == 0 || c.getTokensSaved() == r.getInputTokens()).isTrue();
                    saved += c.getTokensSaved();
                    input += r.getInputTokens();
                }
                if (c.getTier() == CacheTier.SEMANTIC && c.getSimilarity() != null) {
                    assertThat(c.getOutcome() == CacheOutcome.MISS).isEqualTo(c.getSimilarity() < c.getThreshold());
                }
                if (c.getOutcome() == CacheOutcome.EXPIRED) {
                    assertThat(c.getEntryAgeMs()).isGreaterThan(c.getTtlMs());
                }
            }
        }
        // Token-level KV reuse of the replayed Mooncake requests: below the trace's 36.6% since each model has its own
        // cache and flushes drop it, but of that order.
        assertThat((double) saved / input).isBetween(0.15, 0.40);
    }

    @Test
    void incidentScheduleStartsOnWholeMinutesAfterTheTraceStart() {
        List<Incident> schedule = simulator.incidents();
        assertThat(schedule).extracting(Incident::kind).containsExactly(Incident.Kind.DEGRADED_LATENCY,
                Incident.Kind.ERROR_BURST, Incident.Kind.CACHE_FLUSH);
        long firstMinute = (data.traceStartMs() / 60_000 + 1) * 60_000;
        assertThat(schedule).extracting(Incident::startMs).containsExactly(firstMinute + 8 * 60_000, firstMinute + 16 * 60_000,
                firstMinute + 24 * 60_000);
        assertThat(Arrays.asList(schedule.get(0).magnitude(), schedule.get(1).magnitude())).containsExactly(3.0, 0.3);
        assertThat(new GatewaySimulator(data, new SimulatorOptions().incidents(List.of())).incidents()).isEmpty();
    }
}
