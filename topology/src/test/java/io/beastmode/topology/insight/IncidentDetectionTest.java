package io.beastmode.topology.insight;

import io.beastmode.analytics.v1.Anomaly;
import io.beastmode.analytics.v1.Dimension;
import io.beastmode.processors.metrics.MetricsSnapshot;
import io.beastmode.processors.metrics.WindowAggregate;
import io.beastmode.simulator.GatewaySimulator;
import io.beastmode.simulator.Incident;
import io.beastmode.simulator.SimEvent;
import io.beastmode.simulator.SimulatorOptions;
import io.beastmode.topology.decode.EventMapper;
import io.beastmode.topology.model.Decoded;
import io.beastmode.topology.model.DimensionKeys;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The acceptance figures of anomaly detection on simulated traffic, without a broker: the gateway simulator's events
 * (real Azure/Mooncake arrivals, RouteLLM qualities) are decoded and fanned out by the topology's own
 * {@link EventMapper}, summed into one-minute {@link WindowAggregate}s per dimension key exactly as the window store
 * does, and every closed window goes through the insight topology (TopologyTestDriver) with the pipeline's default
 * detector and threshold ({@link InsightConfig#defaults()}).
 *
 * <p>Figures printed and asserted: for each injected incident, the first anomaly on its target's series and how many
 * windows after the incident's start it came (acceptance: within 3 windows, i.e. in the incident's first, second or
 * third minute); on a clean replay (no incidents, same seed), false anomalies per simulated hour after the detector's
 * warm-up, summed over every series the pipeline watches (acceptance: at most one per hour). An anomaly is published
 * when the window after a flagged one confirms it ({@link io.beastmode.detectors.AlertConfirmation}), so detection
 * comes in the incident's second window.
 *
 * <p>The schedule: the default detector scores nothing before {@link #WARMUP_MINUTES} windows of a series
 * (20 of history, 50 of past deviations; see the detector), so the incidents of this replay start after it, in the
 * same order and length as the simulator's defaults (degraded gpt-4 latency x3 for 5 minutes, a 30% mixtral error
 * burst for 4, a flush of every cache for 4), each followed by clean minutes.
 */
class IncidentDetectionTest {

    static final long MIN = 60_000L;
    /** Windows a series needs before the default detector scores it (20 of history + 50 of past deviations). */
    static final int WARMUP_MINUTES = 70;

    /** The default incidents, moved after the warm-up. */
    static List<Incident.Spec> incidentsAfterWarmup() {
        return Incident.defaults().stream().map(s -> new Incident.Spec(s.kind(), s.target(),
                s.offset().plusMinutes(WARMUP_MINUTES + 2), s.duration(), s.magnitude())).toList();
    }

    @Test
    void injectedIncidentsAreDetectedWithinThreeWindows() throws Exception {
        Replay r = Replay.run(incidentsAfterWarmup(), WARMUP_MINUTES + 40, InsightConfig.defaults());
        r.print("incidents");
        for (Incident i : r.incidents) {
            Anomaly first = r.firstOnTarget(i);
            long lag = first == null ? -1 : (first.getWindowStart() - i.startMs()) / MIN;
            System.out.printf("detect %-16s %-28s start %s: %s%n", i.kind(), i.target(), i.start(),
                    first == null ? "NOT DETECTED" : String.format("window %d after start (%s|%s %s score %.3f)",
                            lag, first.getDimension(), first.getDimensionKey(), first.getMetric(), first.getScore()));
            assertThat(first).as("anomaly on the target of " + i).isNotNull();
            assertThat(lag).as("windows after the start of " + i).isBetween(0L, 2L);
        }
    }

    /**
     * Every anomaly of a replay without incidents is false: at most one per scored hour over all series together.
     * (Without the next-window confirmation it was 16 in 1.83 hours: one-minute surges of the Azure trace's arrivals
     * and spend, and single slow long-context minutes in thin tenant slices.)
     */
    @Test
    void cleanReplayRaisesAtMostOneFalseAnomalyPerHourOverAllSeries() throws Exception {
        long minutes = Long.getLong("detect.clean.minutes", 3 * 60L);
        Replay r = Replay.run(List.of(), minutes, InsightConfig.defaults());
        r.print("clean");
        double scoredHours = (minutes - WARMUP_MINUTES) / 60.0;
        Map<String, Long> perSeries = new TreeMap<>();
        r.anomalies.forEach(a -> perSeries.merge(a.getDimension() + "|" + a.getDimensionKey() + "|" + a.getMetric(),
                1L, Long::sum));
        long worst = perSeries.values().stream().mapToLong(Long::longValue).max().orElse(0);
        System.out.printf("clean replay: %d false anomalies in %.2f scored hours (after %d warm-up minutes): %.2f per"
                        + " hour over %d detected series; %d series raised any, at most %d each (%.2f per hour)%n",
                r.anomalies.size(), scoredHours, WARMUP_MINUTES, r.anomalies.size() / scoredHours, r.detectedSeries(),
                perSeries.size(), worst, worst / scoredHours);
        assertThat(r.anomalies.size() / scoredHours).as("false anomalies per hour, all series").isLessThanOrEqualTo(1.0);
    }

    /** One replay of {@code minutes} simulated minutes through the windows and the insight topology. */
    static final class Replay {
        final List<Incident> incidents;
        final List<Anomaly> anomalies = new ArrayList<>();
        final java.util.Set<String> detected = new java.util.HashSet<>();
        long windows;

        private Replay(List<Incident> incidents) {
            this.incidents = incidents;
        }

        static Replay run(List<Incident.Spec> specs, long minutes, InsightConfig insight) throws Exception {
            SimulatorOptions options = new SimulatorOptions().seed(7).start(Instant.ofEpochMilli(InsightFixture.T0))
                    .incidents(specs).maxEvents(Long.MAX_VALUE).progress(false);
            GatewaySimulator sim = GatewaySimulator.create(options);
            Replay r = new Replay(sim.incidents());
            long end = sim.startMs() + minutes * MIN;
            try (InsightFixture f = new InsightFixture(insight)) {
                EventMapper mapper = EventMapper.of(f.config);
                TreeMap<String, WindowAggregate> open = new TreeMap<>();
                long windowStart = Long.MIN_VALUE;
                while (sim.hasNext()) {
                    SimEvent e = sim.next();
                    if (e.eventTime() >= end) {
                        break;
                    }
                    long start = Math.floorDiv(e.eventTime(), MIN) * MIN;
                    if (start != windowStart) { // events come in event-time order: the previous minute is closed
                        r.close(f, open, windowStart);
                        windowStart = start;
                    }
                    Decoded d = mapper.map(e.record(), e.eventTime());
                    assertThat(d.isDeadLetter()).as("simulated events are valid").isFalse();
                    for (String key : d.dimensionKeys()) {
                        d.observation().addTo(open.computeIfAbsent(key, k -> new WindowAggregate()));
                    }
                }
                r.close(f, open, windowStart);
                r.anomalies.addAll(f.anomalies.readValuesToList());
            }
            return r;
        }

        private void close(InsightFixture f, Map<String, WindowAggregate> open, long start) {
            for (Map.Entry<String, WindowAggregate> w : open.entrySet()) {
                MetricsSnapshot s = w.getValue().snapshot(start, start + MIN);
                f.send(w.getKey(), s);
                windows++;
                if (InsightConfig.DEFAULT_DIMENSIONS.contains(DimensionKeys.dimension(w.getKey()))) {
                    SeriesMetrics.of(s).keySet().forEach(m -> detected.add(w.getKey() + "|" + m));
                }
            }
            open.clear();
        }

        /** The first anomaly at or after the incident's start on a series of its target. */
        Anomaly firstOnTarget(Incident i) {
            return anomalies.stream().filter(a -> a.getWindowStart() >= i.startMs() && onTarget(i, a))
                    .min(java.util.Comparator.comparingLong(Anomaly::getWindowStart)).orElse(null);
        }

        private static boolean onTarget(Incident i, Anomaly a) {
            String key = a.getDimensionKey();
            return switch (i.kind()) {
                case DEGRADED_LATENCY -> isModelSeries(a, i.target()) && a.getMetric().startsWith("latency.");
                case ERROR_BURST -> isModelSeries(a, i.target()) && a.getMetric().equals("requests.errorRate");
                case CACHE_FLUSH -> a.getMetric().equals("cache.hitRate") && (a.getDimension()
                        == Dimension.CACHE_TIER_NAMESPACE && (i.target().equals("*") || key.endsWith("|" + i.target()))
                        || a.getDimension() == Dimension.ALL);
            };
        }

        private static boolean isModelSeries(Anomaly a, String model) {
            return a.getDimension() == Dimension.MODEL && a.getDimensionKey().equals(model)
                    || a.getDimension() == Dimension.REQUEST_TYPE_MODEL && a.getDimensionKey().endsWith("|" + model);
        }

        /** Detector series (dimension key and metric) the insight step scored. */
        long detectedSeries() {
            return detected.size();
        }

        void print(String label) {
            incidents.forEach(i -> System.out.println(label + " incident " + i));
            System.out.printf("%s: %d windows, %d anomalies%n", label, windows, anomalies.size());
            for (Anomaly a : anomalies) {
                Incident during = incidents.stream().filter(i -> a.getWindowStart() >= i.startMs()
                        && a.getWindowStart() < i.endMs() + 3 * MIN).findFirst().orElse(null);
                System.out.printf("  %s +%3d min %s|%s %s observed %.4g expected %.4g score %.3f%s%n",
                        Instant.ofEpochMilli(a.getWindowStart()), (a.getWindowStart() - InsightFixture.T0) / MIN,
                        a.getDimension(), a.getDimensionKey(), a.getMetric(), a.getObserved(), a.getExpected(),
                        a.getScore(), during == null ? "" : "  [" + during.kind() + "]");
            }
        }
    }
}
