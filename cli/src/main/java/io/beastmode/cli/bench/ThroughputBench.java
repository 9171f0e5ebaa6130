package io.beastmode.cli.bench;

import io.beastmode.clients.TopicAdmin;
import io.beastmode.topology.BeastPipeline;
import io.beastmode.topology.config.PipelineConfig;
import io.beastmode.topology.config.PipelineTopics;
import org.apache.kafka.streams.KafkaStreams;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code beast bench throughput}: preloads N real-trace events into fresh input topics, then measures in the same run
 * (a) a plain consumer reading and Avro-decoding them ({@link RawConsumerRate}) and (b) the metrics pipeline under
 * {@code exactly_once_v2} from its start to the committed result of the last trace window on the metrics topic. The
 * pipeline's rate is N over that time, so its start-up (group join, task assignment, state stores) is included.
 *
 * <p>Correctness check: the requests counted over the final one-minute ALL windows must equal the requests preloaded,
 * and no window may be emitted twice; a pipeline that is fast but drops, duplicates or dead-letters events fails.
 */
public final class ThroughputBench {

    /** Targets of the issue on a 2-core machine with the broker on it. */
    public static final double TARGET_EVENTS_PER_SECOND = 200_000;
    public static final double TARGET_RATIO = 0.5;

    /**
     * What to run. {@code requestRate}: requests per second of event time in the preload, 0 for the trace's own
     * spacing; {@code streamsProps}: extra Kafka Streams properties for tuning experiments.
     */
    public record Options(String bootstrap, String registryUrl, long events, int partitions, long seed, Path data,
                          double requestRate, int streamThreads, String processingGuarantee,
                          Map<String, String> streamsProps, Duration watermarkIdle, Duration timeout,
                          boolean keepTopics) {
    }

    private final Options options;
    private final PrintStream status;

    public ThroughputBench(Options options, PrintStream status) {
        this.options = options;
        this.status = status;
    }

    /** Runs the bench and returns its figures (the JSON document of {@code --json}). */
    public Map<String, Object> run() throws Exception {
        String run = "bench-" + System.currentTimeMillis();
        String prefix = run + ".";
        Path stateDir = java.nio.file.Files.createTempDirectory("beast-bench-");
        PipelineConfig config = PipelineConfig.builder()
                .bootstrapServers(options.bootstrap())
                .schemaRegistryUrl(options.registryUrl())
                .applicationId(run)
                .stateDir(stateDir)
                .numStreamThreads(options.streamThreads())
                .processingGuarantee(options.processingGuarantee())
                .topics(PipelineTopics.prefixed(prefix))
                .httpPort(-1)
                .watermarkIdle(options.watermarkIdle())
                .extraStreamsProps(options.streamsProps())
                .build();
        long windowMs = config.tumblingWindow().toMillis();
        try {
            Preload.createTopics(options.bootstrap(), prefix, options.partitions());
            status.printf("bench: preloading %,d events into %s* (%d partitions)...%n", options.events(), prefix,
                    options.partitions());
            Preload.Result preload = Preload.run(options.bootstrap(), options.registryUrl(), config.topics(),
                    options.partitions(), options.events(), options.seed(), options.data(), options.requestRate(),
                    windowMs, config.grace().toMillis());
            status.printf("bench: preloaded %,d events (%,d requests) + %d window closers in %.1f s (%,.0f events/s)%n",
                    preload.events(), preload.requests(), preload.closers(), preload.seconds(),
                    preload.eventsPerSecond());

            status.println("bench: raw consumer (read + Avro decode)...");
            RawConsumerRate.Result raw = RawConsumerRate.run(config, options.timeout());
            status.printf("bench: raw consumer %,d records in %.2f s: %,.0f events/s%n", raw.records(), raw.seconds(),
                    raw.eventsPerSecond());

            status.println("bench: pipeline (" + config.processingGuarantee() + ")...");
            long requests;
            long counted;
            int windows;
            long duplicates;
            double pipelineSeconds;
            double startupSeconds;
            long deadLetters;
            long late;
            JvmCost cost;
            double streamThreadSeconds;
            List<JvmCost.ThreadCpu> perThread;
            Map<String, Object> threadTime;
            try (WindowWatcher watcher = new WindowWatcher(config, windowMs, preload.lastWindowStart(), null)) {
                JvmCost.Mark costFrom = JvmCost.mark();
                long t0 = System.nanoTime();
                try (BeastPipeline pipeline = BeastPipeline.start(config, null)) {
                    RunningWatch running = RunningWatch.start(pipeline.streams());
                    long end = -1;
                    long deadline = t0 + options.timeout().toNanos();
                    while (end < 0 && System.nanoTime() < deadline) {
                        end = watcher.awaitLastWindow(Duration.ofSeconds(5));
                        if (end < 0) {
                            status.printf("bench: pipeline %4.0f s: %,d events in, %,d metric records committed%n",
                                    (System.nanoTime() - t0) / 1e9, pipeline.metrics().eventsIn().values().stream()
                                            .mapToLong(Long::longValue).sum(), watcher.records());
                        }
                    }
                    if (end < 0) {
                        throw new IllegalStateException("the pipeline did not emit the last trace window within "
                                + options.timeout().toSeconds() + " s (state " + pipeline.streams().state()
                                + ", events in " + pipeline.metrics().toMap() + ")");
                    }
                    pipelineSeconds = (end - t0) / 1e9;
                    long runningAt = running.stop();
                    // No thread seen RUNNING (the run ended between two samples): all of it counts as start-up.
                    startupSeconds = ((runningAt < 0 ? end : Math.min(runningAt, end)) - t0) / 1e9;
                    cost = JvmCost.since(costFrom);
                    perThread = JvmCost.streamThreadCpu(pipeline.streams());
                    streamThreadSeconds = perThread == null ? -1
                            : perThread.stream().mapToDouble(JvmCost.ThreadCpu::cpuSeconds).sum();
                    threadTime = threadTimeShares(pipeline.streams());
                    deadLetters = pipeline.metrics().totalDeadLetters();
                    late = pipeline.metrics().lateRecords();
                }
                requests = preload.requests();
                counted = watcher.requestsCounted();
                windows = watcher.windows();
                duplicates = watcher.duplicates();
            }
            double pipelineRate = preload.events() / pipelineSeconds;
            double ratio = pipelineRate / raw.eventsPerSecond();
            boolean correct = counted == requests && duplicates == 0;

            Map<String, Object> out = new LinkedHashMap<>();
            out.put("events", preload.events());
            out.put("partitions", options.partitions());
            Map<String, Object> pre = new LinkedHashMap<>();
            pre.put("seconds", round(preload.seconds()));
            pre.put("eventsPerSecond", Math.round(preload.eventsPerSecond()));
            Map<String, Long> kinds = new LinkedHashMap<>();
            preload.byKind().forEach((k, v) -> kinds.put(k.label(), v));
            pre.put("byKind", kinds);
            pre.put("windowClosers", preload.closers());
            pre.put("arrivals", preload.arrivals());
            // 0: the trace's own spacing. Arrivals: first to last request's arrival in event time.
            pre.put("requestRate", options.requestRate());
            pre.put("arrivalSeconds", round(Math.max(0, preload.lastArrival() - preload.firstArrival()) / 1000.0));
            out.put("preload", pre);
            Map<String, Object> rawOut = new LinkedHashMap<>();
            rawOut.put("records", raw.records());
            rawOut.put("seconds", round(raw.seconds()));
            rawOut.put("eventsPerSecond", Math.round(raw.eventsPerSecond()));
            out.put("rawConsumer", rawOut);
            Map<String, Object> pipe = new LinkedHashMap<>();
            pipe.put("processingGuarantee", config.processingGuarantee());
            pipe.put("numStreamThreads", config.numStreamThreads());
            pipe.put("seconds", round(pipelineSeconds));
            pipe.put("eventsPerSecond", Math.round(pipelineRate));
            // Start-up (group join, internal topics, task assignment, restoring) ends when a stream thread is RUNNING;
            // the rate after it is closer to what a pipeline that is up sustains.
            pipe.put("startupSeconds", round(startupSeconds));
            pipe.put("eventsPerSecondAfterStartup", pipelineSeconds > startupSeconds
                    ? Math.round(preload.events() / (pipelineSeconds - startupSeconds)) : 0L);
            // CPU of this whole JVM (broker, registry client, pipeline, watcher) while the pipeline ran: steadier
            // than the rate on a shared machine, and it shows how much the JIT compilers and the GC took.
            pipe.put("processCpuSeconds", round(cost.cpuSeconds()));
            pipe.put("cpuMicrosPerEvent", round(cost.cpuSeconds() * 1e6 / preload.events()));
            // The stream threads' own CPU: what the pipeline's processing costs, apart from what shares the cores.
            pipe.put("streamThreadCpuSeconds", round(streamThreadSeconds));
            pipe.put("streamThreadMicrosPerEvent", round(streamThreadSeconds * 1e6 / preload.events()));
            List<Map<String, Object>> threads = new ArrayList<>();
            for (JvmCost.ThreadCpu t : perThread == null ? List.<JvmCost.ThreadCpu>of() : perThread) {
                Map<String, Object> thread = new LinkedHashMap<>();
                thread.put("cpuSeconds", round(t.cpuSeconds()));
                thread.put("activeTasks", t.activeTasks());
                threads.add(thread);
            }
            pipe.put("streamThreads", threads);
            pipe.put("streamThreadTime", threadTime);
            pipe.put("jitCompileSeconds", round(cost.compileSeconds()));
            pipe.put("gcSeconds", round(cost.gcSeconds()));
            out.put("pipeline", pipe);
            out.put("ratio", round(ratio));
            Map<String, Object> check = new LinkedHashMap<>();
            check.put("requestsPreloaded", requests);
            check.put("requestsCounted", counted);
            check.put("windows", windows);
            check.put("duplicateWindows", duplicates);
            check.put("deadLetters", deadLetters);
            check.put("lateRecords", late);
            check.put("ok", correct);
            out.put("check", check);
            Map<String, Object> targets = new LinkedHashMap<>();
            targets.put("pipelineEventsPerSecond", TARGET_EVENTS_PER_SECOND);
            targets.put("ratio", TARGET_RATIO);
            targets.put("met", pipelineRate >= TARGET_EVENTS_PER_SECOND && ratio >= TARGET_RATIO);
            out.put("targets", targets);
            return out;
        } finally {
            if (!options.keepTopics()) {
                deleteTopics(options.bootstrap(), prefix, run, status);
            }
            deleteRecursively(stateDir);
        }
    }

    private static final List<String> THREAD_RATIOS = List.of("process-ratio", "poll-ratio", "commit-ratio",
            "punctuate-ratio");
    private static final String BLOCKED_NANOS = "blocked-time-ns-total";

    /**
     * Where the stream threads' time went, from Kafka Streams' thread metrics: the share of wall time processing,
     * polling, committing and punctuating (each over the metrics' last sample window, the mean over the threads; null
     * if no thread has recorded it yet), and the seconds they spent blocked on the consumer and producer since they
     * started (summed).
     */
    static Map<String, Object> threadTimeShares(KafkaStreams streams) {
        List<String> names = new ArrayList<>(THREAD_RATIOS);
        names.add(BLOCKED_NANOS);
        Map<String, List<Double>> values = threadMetrics(streams, names);
        Map<String, Object> out = new LinkedHashMap<>();
        for (String ratio : THREAD_RATIOS) {
            OptionalDouble mean = values.get(ratio).stream().mapToDouble(Double::doubleValue).average();
            out.put(ratio, mean.isPresent() ? round(mean.getAsDouble()) : null);
        }
        out.put("blockedSeconds", round(values.get(BLOCKED_NANOS).stream().mapToDouble(Double::doubleValue).sum() / 1e9));
        return out;
    }

    /** Each named stream-thread metric's values, one per thread that has recorded it (NaN, not yet, left out). */
    static Map<String, List<Double>> threadMetrics(KafkaStreams streams, Collection<String> names) {
        Map<String, List<Double>> values = new LinkedHashMap<>();
        names.forEach(n -> values.put(n, new ArrayList<>()));
        streams.metrics().forEach((name, metric) -> {
            if (name.group().equals("stream-thread-metrics") && values.containsKey(name.name())
                    && metric.metricValue() instanceof Double v && !v.isNaN()) {
                values.get(name.name()).add(v);
            }
        });
        return values;
    }

    /** The bench's own topics: the prefixed contract topics and the application's internal ones. */
    static void deleteTopics(String bootstrap, String prefix, String applicationId, PrintStream status) {
        try (TopicAdmin admin = TopicAdmin.connect(bootstrap);
             org.apache.kafka.clients.admin.Admin raw = org.apache.kafka.clients.admin.Admin.create(Map.of(
                     "bootstrap.servers", bootstrap))) {
            var names = raw.listTopics().names().get().stream()
                    .filter(t -> t.startsWith(prefix) || t.startsWith(applicationId)).toList();
            admin.deleteTopics(names);
        } catch (Exception e) {
            status.println("bench: could not delete the bench topics (" + e + ")");
        }
    }

    static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    static void deleteRecursively(Path dir) {
        try (var paths = java.nio.file.Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            // a temp dir left behind is harmless
        }
    }

    /**
     * Samples the stream threads' states every 10 ms on a thread of its own and keeps when one was first RUNNING. The
     * first, not all: on a fresh application the other thread may wait seconds for a second rebalance while the first
     * one processes, and that wait counts as processing time here, not as start-up.
     */
    private static final class RunningWatch {
        private final AtomicLong runningAt = new AtomicLong(-1);
        private final Thread thread;

        private RunningWatch(KafkaStreams streams) {
            thread = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    if (streams.metadataForLocalThreads().stream().anyMatch(t -> "RUNNING".equals(t.threadState()))) {
                        runningAt.set(System.nanoTime());
                        return;
                    }
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "beast-bench-running-watch");
            thread.setDaemon(true);
        }

        static RunningWatch start(KafkaStreams streams) {
            RunningWatch w = new RunningWatch(streams);
            w.thread.start();
            return w;
        }

        /** Stops sampling; the nanoTime a stream thread was first seen RUNNING, or -1. */
        long stop() throws InterruptedException {
            thread.interrupt();
            thread.join();
            return runningAt.get();
        }
    }
}
