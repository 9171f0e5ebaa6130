package io.beastmode.cli;

import io.beastmode.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import io.beastmode.simulator.SimulationSummary;
import io.beastmode.simulator.SimulatorOptions;
import io.beastmode.simulator.SimulatorRunner;
import io.beastmode.stack.ApicurioRegistry;
import io.beastmode.stack.EmbeddedKafka;
import io.beastmode.topology.BeastPipeline;
import io.beastmode.topology.PipelineMetrics;
import io.beastmode.topology.config.PipelineConfig;
import io.beastmode.topology.insight.InsightConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code beast demo}: the main job in one command. With no flags: an in-process broker and Apicurio Registry on
 * free loopback ports, the contract topics and subjects, the metrics pipeline, and the simulator replaying the real
 * traces at a speed-up; a progress line while it runs and a summary at the end.
 *
 * <p>The pipeline runs the insight stage too (anomalies, proposals, outcomes): each one is printed as it is
 * committed, and counted in the summary.
 */
@Command(name = "demo", description = "The main job in one command: broker, registry, topics, the metrics pipeline "
        + "with anomaly detection and proposals, and the trace replay with its incidents and the proposal-applying router "
        + "(at --speed 60 unless told otherwise). Shows a progress line, prints each anomaly, proposal and outcome as it "
        + "is committed, serves the dashboard on 127.0.0.1:8080 (--http-port) and ends with a summary (events in per "
        + "kind, metric windows emitted, dead letters, anomalies, proposals, outcomes). Embedded by default; "
        + "--bootstrap-servers/--schema-registry use an existing cluster instead.")
public final class DemoCommand implements Callable<Integer> {

    /** One trace hour in about a minute. */
    static final double DEFAULT_SPEED = 60;


    /** The output topics the demo counts (by consuming them, committed records only). */
    static final List<String> COUNTED = List.of(Topics.METRICS, Topics.DLQ, Topics.ANOMALIES, Topics.PROPOSALS,
            Topics.OUTCOMES);
    /** The insight topics whose records are printed as they happen. */
    static final List<String> PRINTED = List.of(Topics.ANOMALIES, Topics.PROPOSALS, Topics.OUTCOMES);

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            description = "Use this Kafka cluster instead of the embedded broker.")
    String bootstrapServers;

    @Option(names = "--schema-registry", paramLabel = "URL",
            description = "Use this schema registry instead of the embedded Apicurio (needed with --bootstrap-servers).")
    String schemaRegistry;

    @CommandLine.Mixin
    SimulateCommand.ReplayOptions replay = new SimulateCommand.ReplayOptions();

    @Option(names = "--duration", paramLabel = "DURATION",
            description = "Stop the replay after this much wall-clock time (90s, 2m, PT2M); default: the whole replay.")
    String duration;

    @Option(names = "--http-port", defaultValue = "" + PipelineConfig.DEFAULT_HTTP_PORT, paramLabel = "PORT",
            description = "Port of the dashboard, JSON API and /metrics on 127.0.0.1 (0 = any free port, -1 = off; "
                    + "default: ${DEFAULT-VALUE}, or any free port when that one is taken).")
    int httpPort;

    @Option(names = "--drain-timeout", defaultValue = "60", paramLabel = "SECONDS",
            description = "After the replay, how long to wait for the pipeline to consume what was sent (default: ${DEFAULT-VALUE}).")
    int drainTimeoutSeconds;

    @Option(names = "--insight-detector", defaultValue = "robust-z", paramLabel = "robust-z|robust-novelty",
            description = "Anomaly detector of the insight stage. The replay is shorter than the 70 one-minute windows "
                    + "the NAB-calibrated robust-novelty detector learns before it scores, so the demo uses the robust "
                    + "z-score (10 windows of warm-up) unless told otherwise (default: ${DEFAULT-VALUE}).")
    String insightDetector;

    @Option(names = "--json", description = "Print the summary as JSON on stdout.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final PrintStream status = System.err;
    /** How long a silent input holds windows open (the pipeline's watermark idle time); the drain waits it out. */
    private Duration idleBeforeLastWindows = Duration.ofSeconds(30);

    @Override
    public Integer call() throws Exception {
        if ((bootstrapServers == null) != (schemaRegistry == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--bootstrap-servers and --schema-registry go together (or neither, for the embedded stack)");
        }
        if (duration != null) {
            try {
                PipelineConfig.parseDuration(duration);
            } catch (RuntimeException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--duration: " + e.getMessage());
            }
        }
        InsightConfig insight;
        try {
            insight = InsightConfig.fromEnv(Map.of(InsightConfig.DETECTOR_ENV, insightDetector));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--insight-detector: " + insightDetector
                    + " is not robust-z or robust-novelty");
        }
        long t0 = System.nanoTime();
        Path work = Files.createTempDirectory("beast-demo-");
        try (Cluster cluster = bootstrapServers == null ? Cluster.embedded(status, "demo")
                : new Cluster(bootstrapServers, ClusterOptions.resolveRegistryUrl(schemaRegistry), null, null)) {
            // SIGTERM or Ctrl-C: the registry is a child process and must not outlive us.
            Thread hook = new Thread(cluster::close, "beast-demo-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                runOn(cluster, work, t0, insight);
            } finally {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
        } finally {
            deleteRecursively(work);
        }
        return ExitCodes.OK;
    }

    private void runOn(Cluster cluster, Path work, long t0, InsightConfig insight) throws Exception {
        Provisioning.Report provisioned = Provisioning.provision(cluster.bootstrap, cluster.registryUrl);
        status.println("demo: topics ready (" + provisioned.createdTopics().size() + " created), "
                + provisioned.subjects().size() + " subjects registered");

        int port = httpPort;
        if (port == PipelineConfig.DEFAULT_HTTP_PORT && !bindable(port)) {
            status.println("demo: 127.0.0.1:" + port + " is taken (another pipeline or demo?); the dashboard takes a free port");
            port = 0;
        }
        // A fresh application id per run: no state or offsets of an earlier demo get in the way.
        String applicationId = "beast-demo-" + System.currentTimeMillis();
        PipelineConfig config = PipelineConfig.fromProperties(Map.of(
                PipelineConfig.BOOTSTRAP_SERVERS, cluster.bootstrap,
                PipelineConfig.SCHEMA_REGISTRY_URL, cluster.registryUrl,
                PipelineConfig.APPLICATION_ID, applicationId,
                PipelineConfig.STATE_DIR, work.resolve("streams").toString(),
                PipelineConfig.HTTP_PORT, Integer.toString(port)));
        // The production watermark idle time (30 s) is kept: a shorter one mistook inputs whose fetches lagged under
        // load for silent ones and dead-lettered their events as late (2 s: 26% of the replay, 10 s: 6%).
        idleBeforeLastWindows = config.watermarkIdle();
        if (!cluster.embedded()) {
            startAtEnd(cluster.bootstrap, applicationId);
        }
        try (BeastPipeline pipeline = BeastPipeline.start(config, insight);
             InsightPrinter printer = new InsightPrinter(cluster.registryUrl, status);
             TopicCounter counter = new TopicCounter(cluster.bootstrap, COUNTED, printer)) {
            if (!pipeline.awaitRunning(Duration.ofSeconds(120))) {
                throw new NotReadyException("the pipeline did not reach RUNNING within 120 s (state "
                        + pipeline.streams().state() + ")");
            }
            status.println("demo: pipeline running" + (pipeline.httpPort() > 0
                    ? ", dashboard at http://" + config.httpHost() + ":" + pipeline.httpPort() + "/dashboard/ (JSON API under /api)" : ""));

            Progress progress = new Progress(pipeline.metrics(), counter, status);
            progress.start();
            SimulationSummary sim;
            try {
                sim = replay(cluster);
                // After --duration the replay was cut short: how much it sent is unknown, so wait for quiet only.
                drain(pipeline.metrics(), counter, sim == null ? -1 : sim.totalPublished(), cluster.bootstrap, applicationId);
            } finally {
                progress.stop();
            }
            Map<String, Object> summary = summary(sim, pipeline.metrics(), counter, (System.nanoTime() - t0) / 1e9);
            PrintWriter out = spec.commandLine().getOut();
            out.println(json ? Json.write(summary) : text(summary));
            out.flush();
        }
    }

    /** Whether a server could listen on 127.0.0.1:port now. */
    static boolean bindable(int port) {
        try (java.net.ServerSocket s = new java.net.ServerSocket()) {
            s.bind(new java.net.InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The replay; null when --duration stopped it before the end. */
    private SimulationSummary replay(Cluster cluster) throws Exception {
        SimulatorOptions o = replay.applyTo(new SimulatorOptions())
                .bootstrapServers(cluster.bootstrap)
                .schemaRegistry(cluster.registryUrl)
                .createTopics(false)
                .progress(false); // our own progress line shows the pipeline's side as well
        if (replay.speed == null) {
            o.speed(DEFAULT_SPEED);
        }
        CompletableFuture<SimulationSummary> run = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                run.complete(new SimulatorRunner(o, status).run());
            } catch (Throwable e) {
                run.completeExceptionally(e);
            }
        }, "beast-demo-replay");
        t.start();
        try {
            return duration == null ? run.get() : run.get(PipelineConfig.parseDuration(duration).toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            // The simulator's own message (e.g. no traces found) is the one to show.
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (java.util.concurrent.TimeoutException e) {
            // The simulator's pacing sleeps are interruptible: this ends the replay where it is.
            t.interrupt();
            t.join(30_000);
            status.println("demo: --duration " + duration + " reached, replay stopped");
            return null;
        }
    }

    /**
     * An existing cluster's input topics may hold earlier traffic; this run should read only its own replay. The
     * pipeline's new consumer group gets the current end offsets committed before it starts, so it begins exactly
     * there (an "auto.offset.reset=latest" would race with the first records of the replay).
     */
    static void startAtEnd(String bootstrap, String groupId) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<TopicPartition, OffsetSpec> request = new LinkedHashMap<>();
            admin.describeTopics(Topics.inputs()).allTopicNames().get(30, TimeUnit.SECONDS).values()
                    .forEach(d -> d.partitions().forEach(p -> request.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
            Map<TopicPartition, OffsetAndMetadata> ends = new LinkedHashMap<>();
            admin.listOffsets(request).all().get(30, TimeUnit.SECONDS)
                    .forEach((tp, info) -> ends.put(tp, new OffsetAndMetadata(info.offset())));
            admin.alterConsumerGroupOffsets(groupId, ends).all().get(30, TimeUnit.SECONDS);
        }
    }

    /** Waits until the pipeline has read everything the simulator sent and the metrics topic has gone quiet. */
    private void drain(PipelineMetrics metrics, TopicCounter counter, long sent, String bootstrap, String applicationId)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(drainTimeoutSeconds).toNanos();
        while (sent >= 0 && System.nanoTime() < deadline && totalIn(metrics) < sent) {
            Thread.sleep(200);
        }
        // Reading the inputs is not the end: the windows sit behind the repartition topic, and under exactly-once
        // their results become visible with the commit. Wait until the application's group has no lag on any
        // partition it reads (inputs and repartition topic), then for the committed windows to stop changing.
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            while (System.nanoTime() < deadline && groupLag(admin, applicationId) > 0) {
                Thread.sleep(250);
            }
        } catch (java.util.concurrent.ExecutionException e) {
            status.println("demo: could not read the pipeline's consumer lag (" + e.getCause() + "); waiting for quiet only");
        }
        long last = -1;
        int quiet = 0;
        // Quiet for longer than the watermark idle time plus a commit: the last windows close only after it.
        int quietPolls = (int) (idleBeforeLastWindows.plusSeconds(3).toMillis() / 200);
        while (System.nanoTime() < deadline && quiet < quietPolls) {
            long now = counter.count(Topics.METRICS) + counter.count(Topics.DLQ) + totalIn(metrics);
            quiet = now == last ? quiet + 1 : 0;
            last = now;
            Thread.sleep(200);
        }
    }

    /** Records the group has not yet committed past, summed over every partition it has offsets for. */
    private static long groupLag(Admin admin, String groupId) throws InterruptedException, java.util.concurrent.ExecutionException {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata().get();
        if (committed.isEmpty()) {
            return Long.MAX_VALUE; // nothing committed yet: not caught up
        }
        Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
        committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
        var ends = admin.listOffsets(latest, new org.apache.kafka.clients.admin.ListOffsetsOptions(
                org.apache.kafka.common.IsolationLevel.READ_COMMITTED)).all().get();
        long lag = 0;
        for (var e : committed.entrySet()) {
            long end = ends.get(e.getKey()).offset();
            long at = e.getValue() == null ? 0 : e.getValue().offset();
            // One offset past the last record may be an exactly-once commit marker the group never reads past.
            lag += end - at > 1 ? end - at : 0;
        }
        return lag;
    }

    static long totalIn(PipelineMetrics metrics) {
        return metrics.eventsIn().values().stream().mapToLong(Long::longValue).sum();
    }

    private static Map<String, Object> summary(SimulationSummary sim, PipelineMetrics metrics, TopicCounter counter,
                                               double seconds) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("eventsPublished", sim == null ? null : sim.published());
        s.put("replayCompleted", sim != null);
        s.put("eventsIn", metrics.eventsIn());
        // Equal to the published total when the pipeline caught up within --drain-timeout.
        s.put("pipelineCaughtUp", sim != null && totalIn(metrics) >= sim.totalPublished());
        s.put("metricWindowsEmitted", counter.count(Topics.METRICS));
        s.put("deadLetters", counter.count(Topics.DLQ));
        s.put("deadLettersByReason", metrics.deadLetters());
        s.put("anomalies", counter.count(Topics.ANOMALIES));
        s.put("proposals", counter.count(Topics.PROPOSALS));
        s.put("outcomes", counter.count(Topics.OUTCOMES));
        s.put("lateRecords", metrics.lateRecords());
        s.put("seconds", Math.round(seconds * 10) / 10.0);
        return s;
    }

    @SuppressWarnings("unchecked")
    private static String text(Map<String, Object> s) {
        StringBuilder sb = new StringBuilder("\nBeast Mode demo summary\n");
        Table t = new Table("Events", "Published", "Pipeline in");
        Map<String, Long> published = (Map<String, Long>) s.get("eventsPublished");
        Map<String, Long> in = (Map<String, Long>) s.get("eventsIn");
        for (String kind : List.of("request", "cache", "selection", "cost")) {
            t.row(kind, published == null ? "(stopped early)" : published.getOrDefault(kind, 0L), in.getOrDefault(kind, 0L));
        }
        sb.append(t.render());
        sb.append("metric windows emitted (beast.metrics.v1): ").append(s.get("metricWindowsEmitted")).append('\n');
        sb.append("dead letters (beast.dlq.v1): ").append(s.get("deadLetters"));
        Map<String, Long> reasons = (Map<String, Long>) s.get("deadLettersByReason");
        if (!reasons.isEmpty()) {
            sb.append(' ').append(reasons);
        }
        sb.append('\n');
        sb.append("late records dropped: ").append(s.get("lateRecords")).append('\n');
        sb.append("anomalies: ").append(s.get("anomalies")).append(", proposals: ").append(s.get("proposals"))
                .append(", outcomes: ").append(s.get("outcomes")).append('\n');
        if (!Boolean.TRUE.equals(s.get("pipelineCaughtUp")) && published != null) {
            sb.append("note: the pipeline had not consumed every published event within --drain-timeout\n");
        }
        sb.append(String.format(Locale.ROOT, "took %.1f s%n", (Double) s.get("seconds")));
        return sb.toString();
    }

    /** The broker and registry the demo runs on: embedded ones it owns and closes, or an existing cluster. */
    static final class Cluster implements AutoCloseable {
        final String bootstrap;
        final String registryUrl;
        private final EmbeddedKafka kafka;
        private final ApicurioRegistry registry;

        Cluster(String bootstrap, String registryUrl, EmbeddedKafka kafka, ApicurioRegistry registry) {
            this.bootstrap = bootstrap;
            this.registryUrl = registryUrl;
            this.kafka = kafka;
            this.registry = registry;
        }

        /**
         * Broker and registry started side by side (the registry's JVM start is the longer one).
         *
         * @param command the command whose status lines these are ("demo", "bench")
         */
        static Cluster embedded(PrintStream status, String command) {
            status.println(command + ": starting an embedded Kafka broker and Apicurio Registry on 127.0.0.1...");
            CompletableFuture<ApicurioRegistry> registry = CompletableFuture.supplyAsync(ApicurioRegistry::start);
            EmbeddedKafka kafka;
            try {
                kafka = EmbeddedKafka.start();
            } catch (RuntimeException e) {
                registry.thenAccept(ApicurioRegistry::close);
                throw e;
            }
            try {
                ApicurioRegistry r = registry.join();
                status.println(command + ": broker " + kafka.bootstrapServers() + ", registry " + r.confluentUrl());
                return new Cluster(kafka.bootstrapServers(), r.confluentUrl(), kafka, r);
            } catch (RuntimeException e) {
                kafka.close();
                throw new NotReadyException("Apicurio Registry did not start: " + e.getMessage());
            }
        }

        boolean embedded() {
            return kafka != null;
        }

        private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

        /** Idempotent: the normal end and the shutdown hook may both call it. */
        @Override
        public void close() {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            if (registry != null) {
                registry.close();
            }
            if (kafka != null) {
                kafka.close();
            }
        }
    }

    /** One status line a second: on a terminal rewritten in place, otherwise a line every 5 seconds. */
    static final class Progress {
        private final PipelineMetrics metrics;
        private final TopicCounter counter;
        private final PrintStream out;
        private final boolean terminal = System.console() != null;
        private Thread thread;
        private volatile boolean running = true;

        Progress(PipelineMetrics metrics, TopicCounter counter, PrintStream out) {
            this.metrics = metrics;
            this.counter = counter;
            this.out = out;
        }

        void start() {
            long t0 = System.nanoTime();
            thread = new Thread(() -> {
                long lastIn = 0;
                long lastNanos = t0;
                long tick = 0;
                while (running) {
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException e) {
                        return;
                    }
                    tick++;
                    if (!terminal && tick % 5 != 0) {
                        continue;
                    }
                    long in = totalIn(metrics);
                    long now = System.nanoTime();
                    String line = String.format(Locale.ROOT, "demo: %5.0f s | pipeline in %,d events (%,.0f/s) | metric windows %,d"
                                    + " | dead letters %,d | anomalies %,d | proposals %,d | outcomes %,d",
                            (now - t0) / 1e9, in, (in - lastIn) / ((now - lastNanos) / 1e9), counter.count(Topics.METRICS),
                            counter.count(Topics.DLQ), counter.count(Topics.ANOMALIES), counter.count(Topics.PROPOSALS),
                            counter.count(Topics.OUTCOMES));
                    lastIn = in;
                    lastNanos = now;
                    out.print(terminal ? "\r" + line + "   " : line + "\n");
                    out.flush();
                }
            }, "beast-demo-progress");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.interrupt();
            thread.join(2000);
            if (terminal) {
                out.println();
            }
        }
    }

    private static void deleteRecursively(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a temp dir left behind is harmless
        }
    }
}
