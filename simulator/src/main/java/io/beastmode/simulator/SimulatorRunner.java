package io.beastmode.simulator;

import io.beastmode.clients.TelemetryPublisher;
import io.beastmode.clients.TopicAdmin;
import io.beastmode.simulator.router.ProposalLoop;
import io.beastmode.schemas.Topics;
import io.beastmode.telemetry.v1.CacheEvent;
import io.beastmode.telemetry.v1.CostEvent;
import io.beastmode.telemetry.v1.RequestEvent;
import io.beastmode.telemetry.v1.SelectionEvent;
import org.apache.avro.specific.SpecificRecord;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Publishes a {@link GatewaySimulator}'s events with a {@link TelemetryPublisher}: creates missing topics, prints the
 * incident schedule, paces the replay by event time when {@code --speed} is set, shows progress with events/s on
 * stderr and ends with a summary of the events published per kind (text, or JSON with {@code --json}) on stdout.
 */
public final class SimulatorRunner {
    private static final Map<EventKind, Class<? extends SpecificRecord>> TYPES = Map.of(
            EventKind.REQUEST, RequestEvent.class, EventKind.CACHE, CacheEvent.class,
            EventKind.SELECTION, SelectionEvent.class, EventKind.COST, CostEvent.class);

    private final SimulatorOptions options;
    private final PrintStream err;

    public SimulatorRunner(SimulatorOptions options) {
        this(options, System.err);
    }

    /** @param err where the incident schedule and the progress line go */
    public SimulatorRunner(SimulatorOptions options, PrintStream err) {
        this.options = options;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Parses {@code args}, runs, prints the summary; returns the process exit code (0 ok, 1 failed sends, 2 usage). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        SimulatorOptions options;
        try {
            if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
                out.println(SimulatorOptions.usage());
                return 0;
            }
            options = SimulatorOptions.parse(args);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println(SimulatorOptions.usage());
            return 2;
        }
        SimulationSummary summary = new SimulatorRunner(options, err).run();
        out.print(options.json() ? summary.toJson() + "\n" : summary.toText());
        return summary.failed() > 0 ? 1 : 0;
    }

    /** Runs the simulation against the configured broker and registry. */
    public SimulationSummary run() {
        TraceFiles files = TraceFiles.resolve(options.dataDir());
        err.println("simulator: reading traces from " + files.description());
        if (!SimulatorOptions.ROUTER_PROPOSALS.equals(options.router())) {
            GatewaySimulator simulator = new GatewaySimulator(TraceData.load(files), options);
            return run(simulator, files.description());
        }
        try (ProposalLoop loop = ProposalLoop.open(options, err)) {
            GatewaySimulator simulator = new GatewaySimulator(TraceData.load(files), options, loop.router());
            SimulationSummary summary = run(simulator, files.description());
            loop.router().actions().forEach(a -> err.println("  router: " + a));
            return summary;
        }
    }

    public SimulationSummary run(GatewaySimulator simulator, String dataSource) {
        Map<EventKind, String> topics = new EnumMap<>(EventKind.class);
        for (EventKind k : EventKind.values()) {
            topics.put(k, options.topicPrefix() + k.topic());
        }
        if (options.createTopics()) {
            try (TopicAdmin admin = TopicAdmin.connect(options.bootstrapServers(), options.producerProperties())) {
                List<Topics.TopicSpec> specs = Topics.all(options.partitions()).stream()
                        .map(s -> new Topics.TopicSpec(options.topicPrefix() + s.name(), s.valueType(), s.keyDescription(),
                                s.partitions(), s.configs()))
                        .toList();
                TopicAdmin.EnsureReport report = admin.ensureTopics(specs);
                if (!report.created().isEmpty()) {
                    err.println("simulator: created topics " + report.created());
                }
            }
        }
        err.println("simulator: " + simulator.incidents().size() + " incident(s) scheduled"
                + (simulator.incidents().isEmpty() ? "" : ":"));
        simulator.incidents().forEach(i -> err.println("  incident " + i));

        TelemetryPublisher.Builder builder = TelemetryPublisher.builder()
                .bootstrapServers(options.bootstrapServers()).registryUrl(options.schemaRegistry())
                .producerProperties(options.producerProperties())
                // Replays carry the trace's own (or a chosen) time line, which may lie ahead of the wall clock.
                .maxFutureSkew(Duration.ofDays(3650))
                .producerProperty("client.id", "beast-simulator");
        TYPES.forEach((kind, type) -> builder.topic(type, topics.get(kind)));

        Map<EventKind, Long> generated = new EnumMap<>(EventKind.class);
        long start = System.nanoTime();
        long firstEventTime = -1;
        long lastEventTime = -1;
        Progress progress = new Progress(options.maxEvents(), options.progress() ? err : null);
        Map<String, Long> published = new LinkedHashMap<>();
        long failed;
        try (TelemetryPublisher publisher = builder.build()) {
            while (simulator.hasNext()) {
                SimEvent e = simulator.next();
                if (firstEventTime < 0) {
                    firstEventTime = e.eventTime();
                }
                lastEventTime = e.eventTime();
                pace(start, firstEventTime, e.eventTime());
                publisher.publish(e.record(), null);
                generated.merge(e.kind(), 1L, Long::sum);
                progress.tick(simulator.eventsEmitted(), e.eventTime(), start);
            }
            publisher.flush();
            progress.done(simulator.eventsEmitted(), lastEventTime, start);
            for (EventKind k : EventKind.values()) {
                published.put(k.label(), publisher.stats().sent(topics.get(k)));
            }
            failed = publisher.stats().failed();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Long> generatedByLabel = new LinkedHashMap<>();
        Map<String, String> topicByLabel = new LinkedHashMap<>();
        for (EventKind k : EventKind.values()) {
            generatedByLabel.put(k.label(), generated.getOrDefault(k, 0L));
            topicByLabel.put(k.label(), topics.get(k));
        }
        long total = published.values().stream().mapToLong(Long::longValue).sum();
        return new SimulationSummary(published, generatedByLabel, failed, simulator.requestsGenerated(), seconds,
                seconds > 0 ? total / seconds : 0, firstEventTime < 0 ? null : Instant.ofEpochMilli(firstEventTime),
                lastEventTime < 0 ? null : Instant.ofEpochMilli(lastEventTime), dataSource, options.seed(),
                simulator.incidents(), topicByLabel);
    }

    /** With a speed, an event is sent no earlier than (its event time - the first one's) / speed after the start. */
    private void pace(long startNanos, long firstEventTime, long eventTime) {
        if (options.speed() <= 0) {
            return;
        }
        long dueNanos = startNanos + (long) ((eventTime - firstEventTime) * 1e6 / options.speed());
        long wait = dueNanos - System.nanoTime();
        if (wait > 1_000_000) {
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    /** A one-line progress bar on stderr, redrawn at most twice a second. */
    private static final class Progress {
        private final long max;
        private final PrintStream out;
        private long lastDraw;
        private long lastCount;
        private long lastNanos;
        private double rate;

        Progress(long max, PrintStream out) {
            this.max = max;
            this.out = out;
        }

        void tick(long count, long eventTime, long startNanos) {
            if (out == null) {
                return;
            }
            long now = System.nanoTime();
            if (lastDraw == 0) {
                lastDraw = now;
                lastNanos = startNanos;
                return;
            }
            if (now - lastDraw < 500_000_000L) {
                return;
            }
            rate = (count - lastCount) / ((now - lastNanos) / 1e9);
            lastCount = count;
            lastNanos = now;
            lastDraw = now;
            draw(count, eventTime, rate);
        }

        void done(long count, long eventTime, long startNanos) {
            if (out == null) {
                return;
            }
            draw(count, eventTime, count / Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9));
            out.println();
        }

        private void draw(long count, long eventTime, double perSecond) {
            String bar = "";
            if (max > 0) {
                int width = 30;
                int filled = (int) Math.min(width, width * count / max);
                bar = String.format(Locale.ROOT, "%5.1f%% [%s%s] ", 100.0 * count / max, "#".repeat(filled), "-".repeat(width - filled));
            }
            out.printf(Locale.ROOT, "\r%s%d events  %.0f events/s  event time %s   ", bar, count, perSecond,
                    eventTime < 0 ? "-" : Instant.ofEpochMilli(eventTime).toString());
            out.flush();
        }
    }
}
