package io.beastmode.cli.bench;

import io.beastmode.analytics.v1.WindowMetrics;
import io.beastmode.simulator.GatewaySimulator;
import io.beastmode.simulator.Incident;
import io.beastmode.simulator.SimEvent;
import io.beastmode.simulator.SimulatorOptions;
import io.beastmode.telemetry.v1.SelectionEvent;
import io.beastmode.telemetry.v1.SelectionEventKind;
import io.beastmode.clients.TelemetryPublisher;
import io.beastmode.topology.BeastPipeline;
import io.beastmode.topology.config.PipelineConfig;
import io.beastmode.topology.config.PipelineTopics;
import io.beastmode.topology.insight.InsightConfig;
import io.beastmode.topology.insight.InsightTopology;
import io.beastmode.topology.insight.InsightTopics;
import io.beastmode.topology.serde.PipelineSerdes;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code beast bench latency}: the pipeline and its insight stage under a steady load (the simulator paced at
 * {@code speed} times the trace's event time), measuring
 * <ul>
 *   <li>window close to metric: from the moment the load closes a window (the wall clock at which the first event
 *   with event time at or past its end plus the grace was published) to the moment its final record is readable
 *   (read_committed) on the metrics topic;</li>
 *   <li>metric to proposal: from a metric record being readable to a proposal it triggers being readable. The
 *   insight stage stamps a proposal with the end of the window it was processing, so the trigger is the last final
 *   metric record of a window with that end read before the proposal.</li>
 * </ul>
 * Both are reported as p50/p95/p99 (lower nearest rank) in milliseconds. Windows closed by idleness after the load
 * stops are not counted; windows closed and proposals triggered during the warm-up are reported apart.
 */
public final class LatencyBench {

    public static final double TARGET_CLOSE_TO_METRIC_P95_MS = 1_000;
    public static final double TARGET_METRIC_TO_PROPOSAL_P95_MS = 50;
    /** The default detector scores a series after 70 one-minute windows; incidents start after that. */
    static final long INCIDENT_DELAY_MINUTES = 72;

    /**
     * @param warmup load replayed before the measured {@code duration}: its samples are reported apart and not
     *               against the targets (in a fresh JVM the JIT compilers take most of both cores for the first
     *               half minute, README "Latency after warm-up")
     * @param insightCommitInterval the insight app's commit interval, null for the pipeline's default
     */
    public record Options(String bootstrap, String registryUrl, double speed, Duration warmup, Duration duration,
                          int partitions, long seed, Path data, Duration commitInterval,
                          Duration insightCommitInterval, Duration timeout, boolean keepTopics) {
    }

    private final Options options;
    private final PrintStream status;

    public LatencyBench(Options options, PrintStream status) {
        this.options = options;
        this.status = status;
    }

    public Map<String, Object> run() throws Exception {
        String run = "bench-" + System.currentTimeMillis();
        String prefix = run + ".";
        Path stateDir = Files.createTempDirectory("beast-bench-");
        PipelineConfig.Builder builder = PipelineConfig.builder()
                .bootstrapServers(options.bootstrap())
                .schemaRegistryUrl(options.registryUrl())
                .applicationId(run)
                .stateDir(stateDir)
                .topics(PipelineTopics.prefixed(prefix))
                .httpPort(-1);
        if (options.commitInterval() != null) {
            builder.commitInterval(options.commitInterval());
        }
        if (options.insightCommitInterval() != null) {
            builder.insightCommitInterval(options.insightCommitInterval());
        }
        PipelineConfig config = builder.build();
        long sizeMs = config.tumblingWindow().toMillis();
        long graceMs = config.grace().toMillis();
        try {
            Preload.createTopics(options.bootstrap(), prefix, options.partitions());
            try (Watcher watcher = new Watcher(config);
                 BeastPipeline pipeline = BeastPipeline.start(config, InsightConfig.defaults())) {
                if (!pipeline.awaitRunning(options.timeout())) {
                    throw new IllegalStateException("the pipeline did not reach RUNNING (" + pipeline.streams().state() + ")");
                }
                status.printf("bench: pipeline running; replaying at %.0fx for %d s of warm-up, then %d s "
                        + "measured...%n", options.speed(), options.warmup().toSeconds(),
                        options.duration().toSeconds());
                // Wall clock at which the load closed each window end (first event at or past end + grace).
                TreeMap<Long, Long> closedAt = new TreeMap<>();
                long published = 0;
                long lastEventTime;
                // maxEvents makes the simulator lap the trace (one pass is about an hour of event time, 60 s at 60x),
                // so a longer --duration gets past the detector's warm-up and the proposal rules' evidence windows.
                // The simulator's incidents moved past the default detector's 70-window warm-up, so anomalies and
                // the proposals they trigger (FALLBACK) happen within the default 120 s at 60x: without them the
                // replay gives the proposal rules nothing to act on and metric -> proposal has no sample.
                SimulatorOptions so = new SimulatorOptions().seed(options.seed()).speed(options.speed())
                        .dataDir(options.data()).maxEvents(Long.MAX_VALUE)
                        .incidents(Incident.defaults().stream().map(i -> new Incident.Spec(i.kind(), i.target(),
                                i.offset().plusMinutes(INCIDENT_DELAY_MINUTES), i.duration(), i.magnitude())).toList());
                GatewaySimulator simulator = GatewaySimulator.create(so);
                long t0 = System.nanoTime();
                long loadStartMs = System.currentTimeMillis();
                long end = t0 + options.warmup().toNanos() + options.duration().toNanos();
                long measuredFromMs = loadStartMs + options.warmup().toMillis();
                // What the JVM spent per slice of the run (JIT, GC): the slow samples can then be set against it.
                List<Map<String, Object>> slices = new ArrayList<>();
                JvmCost.Mark sliceStart = JvmCost.mark();
                long nextSlice = t0 + SLICE.toNanos();
                long first = Long.MIN_VALUE;
                long nextClose = Long.MIN_VALUE;
                long maxAggregated = Long.MIN_VALUE;
                try (TelemetryPublisher publisher = Preload.publisher(options.bootstrap(), options.registryUrl(),
                        config.topics())) {
                    while (simulator.hasNext() && System.nanoTime() < end) {
                        SimEvent e = simulator.next();
                        if (first == Long.MIN_VALUE) {
                            first = e.eventTime();
                            nextClose = Math.floorDiv(first, sizeMs) * sizeMs + sizeMs;
                        }
                        long due = t0 + (long) ((e.eventTime() - first) * 1e6 / options.speed());
                        long wait = due - System.nanoTime();
                        if (wait > 1_000_000) {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        }
                        publisher.publish(e.record(), null);
                        published++;
                        if (System.nanoTime() >= nextSlice) {
                            slices.add(slice(slices.size(), JvmCost.since(sliceStart)));
                            sliceStart = JvmCost.mark();
                            nextSlice += SLICE.toNanos();
                        }
                        boolean feedback = e.record() instanceof SelectionEvent s
                                && s.getKind() == SelectionEventKind.QUALITY_FEEDBACK;
                        if (!feedback) {
                            maxAggregated = Math.max(maxAggregated, e.eventTime());
                        }
                        while (e.eventTime() >= nextClose + graceMs) {
                            closedAt.put(nextClose, System.currentTimeMillis());
                            nextClose += sizeMs;
                        }
                    }
                    publisher.flush();
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                lastEventTime = maxAggregated;
                status.printf("bench: published %,d events in %.1f s (%,.0f events/s); waiting for the last results...%n",
                        published, seconds, published / seconds);
                Thread.sleep(Math.max(3_000L, 3 * config.commitInterval().toMillis()));
                watcher.stop();

                List<Double> closeToMetric = new ArrayList<>();
                List<Double> closeToMetricWarmup = new ArrayList<>();
                for (Watcher.Seen m : watcher.metrics) {
                    Long closed = closedAt.get(m.windowEnd);
                    if (m.isFinal && closed != null && m.windowEnd + graceMs <= lastEventTime) {
                        List<Double> into = closed >= measuredFromMs ? closeToMetric : closeToMetricWarmup;
                        into.add((double) (m.readAt - closed));
                    }
                }
                ProposalLatencies proposals = ProposalLatencies.of(watcher.metrics, watcher.proposals, loadStartMs,
                        measuredFromMs);
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("speed", options.speed());
                out.put("warmupSeconds", options.warmup().toSeconds());
                out.put("seconds", ThroughputBench.round(seconds));
                out.put("eventsPublished", published);
                out.put("eventsPerSecond", Math.round(published / seconds));
                out.put("commitIntervalMs", config.commitInterval().toMillis());
                out.put("insightCommitIntervalMs", config.insightCommitInterval().toMillis());
                // Where the time goes: each exactly-once hop waits for its app's commit (Streams' own thread
                // metrics, averaged over their last sample windows, about the last minute).
                out.put("metricsThread", threadLatencies(pipeline.streams()));
                if (pipeline.insight() != null) {
                    out.put("insightThread", threadLatencies(pipeline.insight().streams()));
                }
                out.put("windowCloseToMetricMs", percentiles(closeToMetric));
                out.put("metricToProposalMs", percentiles(proposals.metricToProposal()));
                out.put("metricToDecisionMs", percentiles(proposals.metricToDecision()));
                out.put("decisionToProposalMs", percentiles(proposals.decisionToReadable()));
                out.put("proposalSamples", proposals.samples());
                Map<String, Object> warm = new LinkedHashMap<>();
                warm.put("windowCloseToMetricMs", percentiles(closeToMetricWarmup));
                warm.put("metricToProposalMs", percentiles(proposals.metricToProposalWarmup()));
                out.put("warmup", warm);
                out.put("jvmSlices", slices);
                Map<String, Object> targets = new LinkedHashMap<>();
                targets.put("windowCloseToMetricP95Ms", TARGET_CLOSE_TO_METRIC_P95_MS);
                targets.put("metricToProposalP95Ms", TARGET_METRIC_TO_PROPOSAL_P95_MS);
                targets.put("met", !closeToMetric.isEmpty() && !proposals.metricToProposal().isEmpty()
                        && percentile(closeToMetric, 0.95) < TARGET_CLOSE_TO_METRIC_P95_MS
                        && percentile(proposals.metricToProposal(), 0.95) < TARGET_METRIC_TO_PROPOSAL_P95_MS);
                out.put("targets", targets);
                return out;
            }
        } finally {
            if (!options.keepTopics()) {
                ThroughputBench.deleteTopics(options.bootstrap(), prefix, run, status);
            }
            ThroughputBench.deleteRecursively(stateDir);
        }
    }

    /**
     * Metric to proposal, per proposal the watcher read. The insight stage stamps a proposal with the end of the
     * window it was processing (InsightTimestampExtractor), while a metric record is stamped inside its window, so a
     * proposal pairs with the final metric records of that window end and its trigger is the last of them read
     * before it. Split at the insight app's decision (a header it stamps): reading and processing, then its commit.
     * A proposal whose trigger came before {@code measuredFromMs} belongs to the warm-up.
     */
    record ProposalLatencies(List<Double> metricToProposal, List<Double> metricToDecision,
                             List<Double> decisionToReadable, List<Double> metricToProposalWarmup,
                             List<Map<String, Object>> samples) {

        static ProposalLatencies of(List<Watcher.Seen> metrics, List<Watcher.Seen> proposals, long loadStartMs,
                                    long measuredFromMs) {
            ProposalLatencies out = new ProposalLatencies(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
                    new ArrayList<>(), new ArrayList<>());
            for (Watcher.Seen p : proposals) {
                long trigger = Long.MIN_VALUE;
                for (Watcher.Seen m : metrics) {
                    if (m.isFinal() && m.windowEnd() == p.timestamp() && m.readAt() <= p.readAt()) {
                        trigger = Math.max(trigger, m.readAt());
                    }
                }
                if (trigger == Long.MIN_VALUE) {
                    continue;
                }
                boolean measured = trigger >= measuredFromMs;
                Map<String, Object> sample = new LinkedHashMap<>();
                sample.put("atSeconds", ThroughputBench.round((trigger - loadStartMs) / 1e3));
                sample.put("measured", measured);
                sample.put("metricToProposalMs", p.readAt() - trigger);
                if (p.decidedAt() >= 0) {
                    sample.put("toDecisionMs", p.decidedAt() - trigger);
                }
                out.samples.add(sample);
                if (!measured) {
                    out.metricToProposalWarmup.add((double) (p.readAt() - trigger));
                    continue;
                }
                out.metricToProposal.add((double) (p.readAt() - trigger));
                if (p.decidedAt() >= 0) {
                    out.metricToDecision.add((double) (p.decidedAt() - trigger));
                    out.decisionToReadable.add((double) (p.readAt() - p.decidedAt()));
                }
            }
            return out;
        }
    }

    /** Length of the slices of the run whose JIT and GC time the bench reports. */
    static final Duration SLICE = Duration.ofSeconds(30);

    private static Map<String, Object> slice(int index, JvmCost cost) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("fromSeconds", index * SLICE.toSeconds());
        m.put("cpuSeconds", ThroughputBench.round(cost.cpuSeconds()));
        m.put("jitSeconds", ThroughputBench.round(cost.compileSeconds()));
        m.put("gcSeconds", ThroughputBench.round(cost.gcSeconds()));
        return m;
    }

    /** Commit, poll and process latency (avg and max, ms) of a Streams app's threads, the worst thread's. */
    static Map<String, Object> threadLatencies(org.apache.kafka.streams.KafkaStreams streams) {
        Map<String, Object> out = new TreeMap<>();
        ThroughputBench.threadMetrics(streams, THREAD_LATENCIES).forEach((name, values) -> values.stream()
                .mapToDouble(Double::doubleValue).max()
                .ifPresent(worst -> out.put(name + "-ms", ThroughputBench.round(worst))));
        return out;
    }

    private static final java.util.Set<String> THREAD_LATENCIES = java.util.Set.of("commit-latency-avg",
            "commit-latency-max", "poll-latency-avg", "process-latency-avg", "process-latency-max");

    static Map<String, Object> percentiles(List<Double> values) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", values.size());
        for (double q : new double[] {0.50, 0.95, 0.99}) {
            out.put("p" + Math.round(q * 100), values.isEmpty() ? null : percentile(values, q));
        }
        out.put("max", values.isEmpty() ? null : values.stream().mapToDouble(Double::doubleValue).max().orElse(0));
        return out;
    }

    /** Lower nearest rank, the pipeline's own percentile definition: the value at rank floor(q * (n - 1)). */
    static double percentile(List<Double> values, double q) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        return sorted[(int) Math.floor(q * (sorted.length - 1))];
    }

    /** Reads the metrics and proposals topics (read_committed) and notes when each record became readable. */
    static final class Watcher implements AutoCloseable {
        /** @param decidedAt a proposal's decided-at header (wall ms), -1 for metrics or when absent */
        record Seen(long timestamp, long readAt, long windowEnd, boolean isFinal, long decidedAt) {
        }

        final List<Seen> metrics = new ArrayList<>();
        final List<Seen> proposals = new ArrayList<>();
        private final KafkaConsumer<String, byte[]> consumer;
        private final Deserializer<WindowMetrics> metricsValues;
        private final String metricsTopic;
        private final Thread thread;
        private volatile boolean running = true;

        Watcher(PipelineConfig config) {
            PipelineSerdes serdes = PipelineSerdes.of(config);
            this.metricsValues = serdes.windowMetrics().deserializer();
            this.metricsTopic = config.topics().metrics();
            String proposalsTopic = InsightTopics.of(config).proposals();
            Map<String, Object> props = new HashMap<>();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            // Measure the pipeline, not the watcher's fetch wait.
            props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);
            props.put(ConsumerConfig.CLIENT_ID_CONFIG, "beast-bench-latency-watcher");
            this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(metricsTopic, proposalsTopic)) {
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            partitions.forEach(consumer::position);
            this.thread = new Thread(this::loop, "beast-bench-latency-watcher");
            thread.setDaemon(true);
            thread.start();
        }

        private void loop() {
            try {
                while (running) {
                    var records = consumer.poll(Duration.ofMillis(50));
                    // Every record of one poll was readable when the poll returned: stamp them all then, so the
                    // watcher's own decoding of a large metrics batch does not count against the records after it.
                    long now = System.currentTimeMillis();
                    for (ConsumerRecord<String, byte[]> r : records) {
                        if (r.topic().equals(metricsTopic)) {
                            WindowMetrics m = metricsValues.deserialize(r.topic(), r.headers(), r.value());
                            synchronized (this) {
                                metrics.add(new Seen(r.timestamp(), now, m.getWindowEnd(), m.getFinal$(), -1));
                            }
                        } else if (r.value() != null) {
                            synchronized (this) {
                                proposals.add(new Seen(r.timestamp(), now, -1, true, decidedAt(r)));
                            }
                        }
                    }
                }
            } catch (org.apache.kafka.common.errors.WakeupException e) {
                // stopping
            }
        }

        private static long decidedAt(ConsumerRecord<String, byte[]> r) {
            org.apache.kafka.common.header.Header h = r.headers().lastHeader(InsightTopology.DECIDED_AT_HEADER);
            return h == null ? -1 : Long.parseLong(new String(h.value(), java.nio.charset.StandardCharsets.UTF_8));
        }

        void stop() throws InterruptedException {
            running = false;
            consumer.wakeup();
            thread.join(5_000);
        }

        @Override
        public void close() throws InterruptedException {
            if (thread.isAlive()) {
                stop();
            }
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
