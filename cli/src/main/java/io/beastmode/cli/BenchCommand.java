package io.beastmode.cli;

import io.beastmode.cli.bench.LatencyBench;
import io.beastmode.cli.bench.ThroughputBench;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code beast bench}: the pipeline's speed, measured against a baseline in the same run. */
@Command(name = "bench", description = "Benchmarks of the pipeline on a real broker and registry (embedded unless "
        + "--bootstrap-servers/--schema-registry name a running stack); figures on stdout, --json for scripts.",
        subcommands = {BenchCommand.Throughput.class, BenchCommand.Latency.class})
public final class BenchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "bench needs a subcommand: throughput or latency");
    }

    /** Where the bench runs: an embedded broker and registry, or an existing stack. */
    static final class Target {
        @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
                description = "Use this Kafka cluster instead of an embedded broker.")
        String bootstrapServers;

        @Option(names = "--schema-registry", paramLabel = "URL",
                description = "Use this schema registry instead of an embedded Apicurio (needed with --bootstrap-servers).")
        String schemaRegistry;

        DemoCommand.Cluster open(CommandLine cl, PrintStream status) {
            if ((bootstrapServers == null) != (schemaRegistry == null)) {
                throw new CommandLine.ParameterException(cl,
                        "--bootstrap-servers and --schema-registry go together (or neither, for an embedded stack)");
            }
            return bootstrapServers == null ? DemoCommand.Cluster.embedded(status, "bench")
                    : new DemoCommand.Cluster(bootstrapServers, ClusterOptions.resolveRegistryUrl(schemaRegistry), null, null);
        }
    }

    /** The bench input and output options both subcommands share. */
    static final class Input {
        @Option(names = "--partitions", defaultValue = "3", paramLabel = "P",
                description = "Partitions of the bench topics (default: ${DEFAULT-VALUE}).")
        int partitions;

        @Option(names = "--seed", defaultValue = "42", description = "Simulator seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--data", paramLabel = "DIR", description = "Shared data root (default: ../shared/data next "
                + "to the repository; the bundled sample when absent).")
        Path data;

        @Option(names = "--keep-topics", description = "Keep the bench topics afterwards (deleted by default).")
        boolean keepTopics;

        @Option(names = "--json", description = "Print the figures as JSON on stdout.")
        boolean json;
    }

    @Command(name = "throughput", description = {"Preloads N real-trace telemetry events (the four kinds in trace "
            + "proportions) into fresh input topics, then measures (a) a plain consumer reading and Avro-decoding them "
            + "and (b) the metrics pipeline with exactly_once_v2 from its start to the committed result of the last "
            + "window; prints both in events/s and their ratio.",
            "Correctness check: the requests counted over the final 1-minute ALL windows must equal the requests "
                    + "preloaded (exit 1 otherwise)."})
    static final class Throughput implements Callable<Integer> {
        @CommandLine.Mixin
        Target target = new Target();

        @CommandLine.Mixin
        Input input = new Input();

        @Option(names = "--events", defaultValue = "2000000", paramLabel = "N",
                description = "Events to preload (default: ${DEFAULT-VALUE}).")
        long events;

        @Option(names = "--processing-guarantee", defaultValue = "exactly_once_v2", paramLabel = "G",
                description = "Kafka Streams processing.guarantee of the pipeline (default: ${DEFAULT-VALUE}).")
        String processingGuarantee;

        @Option(names = "--request-rate", defaultValue = "50000", paramLabel = "R",
                description = {"Requests per second of event time in the preload (default: ${DEFAULT-VALUE}, the "
                        + "production target). The trace's arrivals keep their order and relative spacing, scaled "
                        + "to this mean rate. 0 keeps the trace's own spacing (about 11 requests/s): 2,000,000 events "
                        + "then span some 600 one-minute windows, a backlog of ten hours replayed at once, where "
                        + "the per-window work (closing, encoding and storing each key's window) outweighs the "
                        + "per-event work."})
        double requestRate;

        @Option(names = "--stream-threads", paramLabel = "T",
                description = {"The pipeline's num.stream.threads (default: the number of cores, here "
                        + "${DEFAULT-VALUE}). One stream thread per core is the deployment advice: a thread waits on "
                        + "the broker at each exactly-once commit and fetch, and a second one works meanwhile."})
        int streamThreads = Runtime.getRuntime().availableProcessors();

        @Option(names = "--streams-property", paramLabel = "K=V",
                description = "Extra Kafka Streams property for the pipeline (repeatable; for tuning experiments).")
        Map<String, String> streamsProperties = new LinkedHashMap<>();

        @Option(names = "--watermark-idle", defaultValue = "10m", paramLabel = "DURATION",
                description = {"The pipeline's watermark.idle (default: ${DEFAULT-VALUE}). The preload ends with "
                        + "events that close every trace window, so the bench never waits for idleness; a short idle "
                        + "time would mistake input partitions starved of fetches during the backlog for silent ones "
                        + "and dead-letter their events as late."})
        String watermarkIdle;

        @Option(names = "--timeout", defaultValue = "3600", paramLabel = "SECONDS",
                description = "Give up on a phase after this long (default: ${DEFAULT-VALUE}).")
        int timeoutSeconds;

        @Option(names = "--runs", defaultValue = "1", paramLabel = "K",
                description = {"Run the whole bench K times in this JVM, each on fresh topics (default: "
                        + "${DEFAULT-VALUE}). The first run starts in a cold JVM: the JIT compilers take a large "
                        + "share of the CPU while it runs; later runs show the rate of a pipeline that has been up "
                        + "a while. Every run is printed; with --json and K > 1 the document is {\"runs\": [...]}."})
        int runs;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (events < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--events must be at least 1");
            }
            if (runs < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--runs must be at least 1");
            }
            if (!(requestRate >= 0) || Double.isInfinite(requestRate)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--request-rate must be a number >= 0");
            }
            if (streamThreads < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--stream-threads must be at least 1");
            }
            Duration idle;
            try {
                idle = io.beastmode.topology.config.PipelineConfig.parseDuration(watermarkIdle);
            } catch (RuntimeException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--watermark-idle: " + e.getMessage());
            }
            PrintStream status = System.err;
            PrintWriter out = spec.commandLine().getOut();
            List<Map<String, Object>> results = new ArrayList<>();
            try (DemoCommand.Cluster cluster = target.open(spec.commandLine(), status)) {
                // SIGTERM or Ctrl-C: the embedded registry is a child process and must not outlive us.
                Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "beast-bench-stop"));
                for (int run = 1; run <= runs; run++) {
                    if (runs > 1) {
                        status.printf("bench: run %d of %d%s%n", run, runs, run == 1 ? " (cold JVM)" : "");
                    }
                    Map<String, Object> result = new ThroughputBench(new ThroughputBench.Options(cluster.bootstrap,
                            cluster.registryUrl, events, input.partitions, input.seed,
                            input.data != null ? input.data : NabCommand.sharedData(), requestRate, streamThreads,
                            processingGuarantee, streamsProperties, idle, Duration.ofSeconds(timeoutSeconds),
                            input.keepTopics),
                            status).run();
                    results.add(result);
                    if (!input.json && runs > 1) {
                        out.printf("run %d of %d%s:%n%s%n", run, runs, run == 1 ? " (cold JVM: the JIT compiles while "
                                + "it runs)" : "", text(result));
                        out.flush();
                    }
                }
            }
            if (input.json) {
                out.println(Json.write(runs == 1 ? results.get(0) : Map.of("runs", results)));
            } else if (runs == 1) {
                out.println(text(results.get(0)));
            } else {
                out.println(summary(results));
            }
            out.flush();
            int rc = ExitCodes.OK;
            for (Map<String, Object> result : results) {
                @SuppressWarnings("unchecked")
                Map<String, Object> check = (Map<String, Object>) result.get("check");
                if (!Boolean.TRUE.equals(check.get("ok"))) {
                    spec.commandLine().getErr().println("beast bench throughput: correctness check failed: " + check);
                    rc = ExitCodes.FAILURE;
                }
            }
            return rc;
        }

        /** One line per figure across the runs, first (cold) run first. */
        @SuppressWarnings("unchecked")
        static String summary(List<Map<String, Object>> results) {
            StringBuilder pipeline = new StringBuilder();
            StringBuilder raw = new StringBuilder();
            StringBuilder ratio = new StringBuilder();
            StringBuilder cpu = new StringBuilder();
            StringBuilder streamCpu = new StringBuilder();
            StringBuilder afterStartup = new StringBuilder();
            for (Map<String, Object> r : results) {
                String sep = pipeline.length() == 0 ? "" : " / ";
                pipeline.append(sep).append(String.format(Locale.ROOT, "%,d",
                        (Long) ((Map<String, Object>) r.get("pipeline")).get("eventsPerSecond")));
                afterStartup.append(sep).append(String.format(Locale.ROOT, "%,d",
                        (Long) ((Map<String, Object>) r.get("pipeline")).get("eventsPerSecondAfterStartup")));
                raw.append(sep).append(String.format(Locale.ROOT, "%,d",
                        (Long) ((Map<String, Object>) r.get("rawConsumer")).get("eventsPerSecond")));
                ratio.append(sep).append(String.format(Locale.ROOT, "%.3f", (Double) r.get("ratio")));
                cpu.append(sep).append(String.format(Locale.ROOT, "%.2f",
                        (Double) ((Map<String, Object>) r.get("pipeline")).get("cpuMicrosPerEvent")));
                streamCpu.append(sep).append(String.format(Locale.ROOT, "%.2f",
                        (Double) ((Map<String, Object>) r.get("pipeline")).get("streamThreadMicrosPerEvent")));
            }
            return String.format(Locale.ROOT, "runs (first in a cold JVM): %d%npipeline events/s: %s%n"
                    + "pipeline events/s after start-up: %s%n"
                    + "raw consumer events/s: %s%nratio pipeline/raw: %s%npipeline CPU us per event: %s%n"
                    + "stream threads' CPU us per event: %s",
                    results.size(), pipeline, afterStartup, raw, ratio, cpu, streamCpu);
        }

        @SuppressWarnings("unchecked")
        static String text(Map<String, Object> r) {
            Map<String, Object> raw = (Map<String, Object>) r.get("rawConsumer");
            Map<String, Object> pipe = (Map<String, Object>) r.get("pipeline");
            Map<String, Object> check = (Map<String, Object>) r.get("check");
            Map<String, Object> targets = (Map<String, Object>) r.get("targets");
            StringBuilder sb = new StringBuilder();
            Map<String, Object> pre = (Map<String, Object>) r.get("preload");
            double rate = (Double) pre.get("requestRate");
            sb.append(String.format(Locale.ROOT, "events preloaded:  %,d (%d partitions), %,d requests arriving over "
                            + "%,.1f s of event time (%s)%n", (Long) r.get("events"), (Integer) r.get("partitions"),
                    (Long) pre.get("arrivals"), (Double) pre.get("arrivalSeconds"),
                    rate > 0 ? String.format(Locale.ROOT, "--request-rate %,.0f", rate) : "the trace's own spacing"));
            sb.append(String.format(Locale.ROOT, "raw consumer:      %,d events/s (%.2f s)%n",
                    (Long) raw.get("eventsPerSecond"), (Double) raw.get("seconds")));
            sb.append(String.format(Locale.ROOT, "pipeline (%s, %d stream threads): %,d events/s (%.2f s, start to "
                            + "last window)%n", pipe.get("processingGuarantee"), (Integer) pipe.get("numStreamThreads"),
                    (Long) pipe.get("eventsPerSecond"), (Double) pipe.get("seconds")));
            sb.append(String.format(Locale.ROOT, "pipeline start-up to a RUNNING stream thread: %.2f s; after it, %,d "
                            + "events/s to the last window%n", (Double) pipe.get("startupSeconds"),
                    (Long) pipe.get("eventsPerSecondAfterStartup")));
            sb.append(String.format(Locale.ROOT, "pipeline CPU (whole JVM, broker included): %.1f s, %.2f us per event; "
                            + "JIT compiling %.1f s, GC %.1f s%n", (Double) pipe.get("processCpuSeconds"),
                    (Double) pipe.get("cpuMicrosPerEvent"), (Double) pipe.get("jitCompileSeconds"),
                    (Double) pipe.get("gcSeconds")));
            Map<String, Object> time = (Map<String, Object>) pipe.get("streamThreadTime");
            sb.append(String.format(Locale.ROOT, "stream threads' CPU: %.1f s, %.2f us per event; share of their time "
                            + "processing %.2f, polling %.2f, committing %.2f, punctuating %.2f; blocked on clients %.1f s%n",
                    (Double) pipe.get("streamThreadCpuSeconds"), (Double) pipe.get("streamThreadMicrosPerEvent"),
                    (Double) time.get("process-ratio"), (Double) time.get("poll-ratio"),
                    (Double) time.get("commit-ratio"), (Double) time.get("punctuate-ratio"),
                    (Double) time.get("blockedSeconds")));
            StringBuilder threads = new StringBuilder();
            for (Map<String, Object> t : (List<Map<String, Object>>) pipe.get("streamThreads")) {
                threads.append(threads.length() == 0 ? "" : "; ").append(String.format(Locale.ROOT, "%.1f s %s",
                        (Double) t.get("cpuSeconds"), t.get("activeTasks")));
            }
            sb.append(String.format(Locale.ROOT, "each stream thread's CPU and active tasks: %s%n", threads));
            sb.append(String.format(Locale.ROOT, "ratio pipeline/raw: %.3f%n", (Double) r.get("ratio")));
            sb.append(String.format(Locale.ROOT, "check: requests preloaded %,d, counted in final 1m ALL windows %,d "
                            + "(%d windows, %d duplicates, %d dead letters, %d late): %s%n",
                    (Long) check.get("requestsPreloaded"), (Long) check.get("requestsCounted"),
                    (Integer) check.get("windows"), (Long) check.get("duplicateWindows"),
                    (Long) check.get("deadLetters"), (Long) check.get("lateRecords"),
                    Boolean.TRUE.equals(check.get("ok")) ? "ok" : "FAILED"));
            sb.append(String.format(Locale.ROOT, "targets (>= %,.0f events/s and ratio >= %.2f): %s",
                    (Double) targets.get("pipelineEventsPerSecond"), (Double) targets.get("ratio"),
                    Boolean.TRUE.equals(targets.get("met")) ? "met" : "not met"));
            return sb.toString();
        }
    }

    @Command(name = "latency", description = {"Runs the pipeline with its insight stage under a steady load (the "
            + "simulator paced at --speed times event time) and measures, p50/p95/p99 in ms: window close (the "
            + "load passing its end plus the grace) to its final record being readable on the metrics topic, and a "
            + "metric record to the proposal it triggers."})
    static final class Latency implements Callable<Integer> {
        @CommandLine.Mixin
        Target target = new Target();

        @CommandLine.Mixin
        Input input = new Input();

        @Option(names = "--speed", defaultValue = "60", paramLabel = "X",
                description = "Replay speed against event time (default: ${DEFAULT-VALUE}: a window closes every second).")
        double speed;

        @Option(names = "--duration", defaultValue = "120", paramLabel = "SECONDS",
                description = "How long to replay and measure, after the warm-up (default: ${DEFAULT-VALUE}).")
        int durationSeconds;

        @Option(names = "--warmup", defaultValue = "60", paramLabel = "SECONDS",
                description = "Load replayed first and not counted against the targets, while the JVM compiles "
                        + "(default: ${DEFAULT-VALUE}; its figures are printed apart).")
        int warmupSeconds;

        @Option(names = "--commit-interval", paramLabel = "DURATION",
                description = "The pipeline's commit interval (default: the pipeline's own, 200ms); under exactly-once "
                        + "results become readable at the commit.")
        String commitInterval;

        @Option(names = "--insight-commit-interval", paramLabel = "DURATION",
                description = "The insight app's commit interval (default: the pipeline's own, 10ms); a proposal asks "
                        + "for a commit at once either way.")
        String insightCommitInterval;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (speed <= 0 || durationSeconds < 1 || warmupSeconds < 0) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--speed and --duration must be positive, --warmup not negative");
            }
            Duration commit = duration("--commit-interval", commitInterval);
            Duration insightCommit = duration("--insight-commit-interval", insightCommitInterval);
            PrintStream status = System.err;
            Map<String, Object> result;
            try (DemoCommand.Cluster cluster = target.open(spec.commandLine(), status)) {
                Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "beast-bench-stop"));
                result = new LatencyBench(new LatencyBench.Options(cluster.bootstrap, cluster.registryUrl, speed,
                        Duration.ofSeconds(warmupSeconds), Duration.ofSeconds(durationSeconds), input.partitions,
                        input.seed, input.data != null ? input.data : NabCommand.sharedData(), commit, insightCommit,
                        Duration.ofSeconds(120), input.keepTopics),
                        status).run();
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println(input.json ? Json.write(result) : text(result));
            out.flush();
            return ExitCodes.OK;
        }

        private Duration duration(String flag, String value) {
            if (value == null) {
                return null;
            }
            try {
                return io.beastmode.topology.config.PipelineConfig.parseDuration(value);
            } catch (RuntimeException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), flag + ": " + e.getMessage());
            }
        }

        @SuppressWarnings("unchecked")
        static String text(Map<String, Object> r) {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "load: %,d events in %.1f s (%,d events/s, speed %.0fx), commit interval %d ms"
                            + " (insight %d ms); the first %d s were warm-up%n",
                    (Long) r.get("eventsPublished"), (Double) r.get("seconds"), (Long) r.get("eventsPerSecond"),
                    (Double) r.get("speed"), (Long) r.get("commitIntervalMs"), (Long) r.get("insightCommitIntervalMs"),
                    (Long) r.get("warmupSeconds")));
            Map<String, Object> warm = (Map<String, Object>) r.get("warmup");
            if (warm != null) {
                Map<String, Object> c = (Map<String, Object>) warm.get("windowCloseToMetricMs");
                Map<String, Object> m = (Map<String, Object>) warm.get("metricToProposalMs");
                sb.append(String.format(Locale.ROOT, "warm-up, not counted: window close -> metric n=%d p95=%s max=%s,"
                                + " metric -> proposal n=%d p95=%s max=%s (ms)%n", (Integer) c.get("count"),
                        c.get("p95"), c.get("max"), (Integer) m.get("count"), m.get("p95"), m.get("max")));
            }
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put("windowCloseToMetricMs", "window close -> metric");
            labels.put("metricToProposalMs", "metric -> proposal");
            labels.put("metricToDecisionMs", "  of which to decision");
            labels.put("decisionToProposalMs", "  decision -> readable");
            labels.forEach((k, label) -> {
                Map<String, Object> p = (Map<String, Object>) r.get(k);
                if (p != null) {
                    sb.append(String.format(Locale.ROOT, "%-22s n=%d p50=%s p95=%s p99=%s max=%s (ms)%n",
                            label, (Integer) p.get("count"), p.get("p50"), p.get("p95"), p.get("p99"), p.get("max")));
                }
            });
            List<Map<String, Object>> samples = (List<Map<String, Object>>) r.get("proposalSamples");
            if (samples != null && !samples.isEmpty()) {
                sb.append("proposals (s after the load began: metric -> proposal ms, of which to decision;"
                        + " * warm-up):");
                for (Map<String, Object> p : samples) {
                    sb.append(String.format(Locale.ROOT, " %.0f%s: %s (%s)", (Double) p.get("atSeconds"),
                            Boolean.TRUE.equals(p.get("measured")) ? "" : "*", p.get("metricToProposalMs"),
                            p.getOrDefault("toDecisionMs", "-")));
                }
                sb.append(System.lineSeparator());
            }
            List<Map<String, Object>> slices = (List<Map<String, Object>>) r.get("jvmSlices");
            if (slices != null && !slices.isEmpty()) {
                sb.append("JVM per 30 s of load (CPU / JIT / GC s):");
                for (Map<String, Object> j : slices) {
                    sb.append(String.format(Locale.ROOT, " %s / %s / %s", j.get("cpuSeconds"), j.get("jitSeconds"),
                            j.get("gcSeconds")));
                }
                sb.append(System.lineSeparator());
            }
            for (String k : new String[] {"metricsThread", "insightThread"}) {
                if (r.get(k) != null) {
                    sb.append(String.format(Locale.ROOT, "%-22s %s (ms, Streams thread metrics)%n",
                            k.equals("metricsThread") ? "metrics app thread" : "insight app thread", r.get(k)));
                }
            }
            Map<String, Object> t = (Map<String, Object>) r.get("targets");
            sb.append(String.format(Locale.ROOT, "targets (p95 < %.0f ms and < %.0f ms): %s",
                    (Double) t.get("windowCloseToMetricP95Ms"), (Double) t.get("metricToProposalP95Ms"),
                    Boolean.TRUE.equals(t.get("met")) ? "met" : "not met"));
            return sb.toString();
        }
    }
}
