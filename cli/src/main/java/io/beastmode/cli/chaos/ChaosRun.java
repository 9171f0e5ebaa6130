package io.beastmode.cli.chaos;

import io.beastmode.analytics.v1.WindowMetrics;
import io.beastmode.clients.TopicAdmin;
import io.beastmode.registry.RegistryClientConfig;
import io.beastmode.registry.SchemaRegistryClient;
import io.beastmode.registry.SchemaRegistryClients;
import io.beastmode.registry.SubjectRegistration;
import io.beastmode.schemas.Topics;
import io.beastmode.stack.ApicurioRegistry;
import io.beastmode.stack.BrokerProcess;
import io.beastmode.stack.Ports;
import io.beastmode.topology.config.PipelineConfig;
import io.beastmode.topology.serde.PipelineSerdes;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Deserializer;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The fault-tolerance run behind {@code beast chaos} and the fault integration tests. On a broker it owns (a child
 * process, so it can be restarted) and a schema registry:
 * <ol>
 *   <li>writes the input once ({@link ChaosInput}): N valid request events, M poison records, end markers;</li>
 *   <li>reference: runs the pipeline ({@code beast run} in a child process) uninterrupted under its own application id
 *       and output topics until every window of the input has closed;</li>
 *   <li>chaos: runs it again under another application id on the default output topics, and while it works through
 *       the input kills it with SIGKILL K times at seeded random points of its progress (restarting it each time; one
 *       of the restarts also deletes its state directory first), and restarts the broker once without touching the
 *       pipeline, which has to recover on its own;</li>
 *   <li>state-dir check: once every window is out, answers a set of HTTP queries, is killed, loses its state
 *       directory, restarts from the changelogs, and must answer the same queries the same;</li>
 *   <li>compares: request counts of the final 1-minute ALL windows summed against N, every window (all dimensions,
 *       tumbling and hopping) against the reference, and every poison record against the dead-letter topic.</li>
 * </ol>
 * Progress points are fractions of the 1-minute windows of the input that have been emitted, so the kills land while
 * windows are being closed and written, not before or after.
 */
public final class ChaosRun {
    static final String REFERENCE_METRICS = "beast.chaos-reference.metrics.v1";
    static final String REFERENCE_DLQ = "beast.chaos-reference.dlq.v1";
    static final String REFERENCE_FINAL_METRICS = "beast.chaos-reference.final-metrics.v1";

    /**
     * What to do. {@code registryUrl} null starts an Apicurio Registry; {@code workDir} null uses a temp dir.
     * {@code pacedReads}: the input is written in small producer batches and both runs' pipelines fetch one or two of
     * them per partition per {@link #PACED_FETCH_WAIT_MS}, so a small input is read over seconds and the faults land
     * while it is processed (combined per window, a few thousand events are otherwise one burst).
     */
    public record Options(long events, int kills, int poison, long seed, boolean brokerRestart, boolean stateWipe,
                          boolean reference, Path dataDir, Duration timeout, String registryUrl, Path workDir,
                          String pipelineHeap, int partitions, Duration inputAge, boolean pacedReads) {
    }

    public static final int PACED_BATCH_BYTES = 2048;
    public static final int PACED_FETCH_WAIT_MS = 300;

    /** What happened; {@link #passed()} says whether nothing was lost, duplicated or different. */
    public record Result(long events, long counted, long lost, long duplicated, long dlq, long poison,
                         long poisonMatched, long unexpectedDeadLetters, int kills, int faultsAfterDone,
                         int brokerRestarts,
                         boolean brokerRecovered, boolean stateWipeChecked, boolean queriesEqual,
                         int windowsCompared, List<String> windowDifferences, int unexpectedExits,
                         long endMarkers, Map<String, Long> deadLettersByReason, Map<String, Double> seconds,
                         List<String> problems) {

        public boolean passed() {
            return problems.isEmpty();
        }

        /** The closing line: {@code events=N counted=N lost=0 duplicated=0 dlq=M}. */
        public String line() {
            return "events=" + events + " counted=" + counted + " lost=" + lost + " duplicated=" + duplicated + " dlq=" + dlq;
        }

        public Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("events", events);
            m.put("counted", counted);
            m.put("lost", lost);
            m.put("duplicated", duplicated);
            m.put("dlq", dlq);
            m.put("poison", poison);
            m.put("poisonMatched", poisonMatched);
            m.put("unexpectedDeadLetters", unexpectedDeadLetters);
            m.put("deadLettersByReason", deadLettersByReason);
            m.put("kills", kills);
            m.put("faultsAfterDone", faultsAfterDone);
            m.put("brokerRestarts", brokerRestarts);
            m.put("brokerRecovered", brokerRecovered);
            m.put("stateWipeChecked", stateWipeChecked);
            m.put("queriesEqual", queriesEqual);
            m.put("windowsCompared", windowsCompared);
            m.put("windowDifferences", windowDifferences.size());
            m.put("unexpectedExits", unexpectedExits);
            m.put("endMarkers", endMarkers);
            m.put("seconds", seconds);
            m.put("passed", passed());
            m.put("problems", problems);
            return m;
        }
    }

    private final Options o;
    private final PrintStream log;
    private final Map<String, Double> seconds = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();
    private InputProgress progress;
    /**
     * Retention that reaches back past the oldest input event by a day, for every topic the broker ages by record
     * timestamp, i.e. event time: input, metrics, DLQ and the window stores' changelogs. Set before anything is written.
     */
    private long coverInputAgeMs;
    /** How long the reference took from its start to its last window; 0 without a reference. */
    private long referenceNanos;
    /** How long a restarted pipeline may take to be RUNNING again before the next fault's clock starts anyway. */
    private static final Duration RECOVERY_WAIT = Duration.ofMinutes(3);

    public ChaosRun(Options options, PrintStream log) {
        this.o = options;
        this.log = log;
    }

    public Result run() throws Exception {
        long t0 = System.nanoTime();
        Path work = o.workDir() != null ? Files.createDirectories(o.workDir()) : Files.createTempDirectory("beast-chaos-");
        boolean keep = o.workDir() != null;
        boolean completed = false;
        ApicurioRegistry ownRegistry = null;
        try (BrokerProcess broker = BrokerProcess.start(work.resolve("broker"), Duration.ofSeconds(90))) {
            if (o.registryUrl() == null) {
                ownRegistry = ApicurioRegistry.start();
                // SIGTERM or Ctrl-C: the registry is a child process and must not outlive us.
                Runtime.getRuntime().addShutdownHook(new Thread(ownRegistry::close, "beast-chaos-registry-stop"));
            }
            String registry = o.registryUrl() != null ? o.registryUrl() : ownRegistry.confluentUrl();
            String bootstrap = broker.bootstrapServers();
            say("broker %s (pid %d, child process), registry %s, work dir %s", bootstrap, broker.pid(), registry, work);
            coverInputAgeMs = System.currentTimeMillis() - ChaosInput.plannedStart(o.events(), o.inputAge(),
                    System.currentTimeMillis()) + Duration.ofDays(1).toMillis();
            provision(bootstrap, registry);
            ChaosInput.Written input = ChaosInput.write(bootstrap, registry, o.events(), o.poison(), o.seed(),
                    o.dataDir(), o.partitions(), o.inputAge(), o.pacedReads() ? PACED_BATCH_BYTES : 256 * 1024);
            seconds.put("write", round(input.seconds()));
            say("input: %,d valid request events over %,d minutes of event time, %,d poison %s, %d end markers (%.1f s)",
                    input.events(), input.minuteStarts().size(), input.poison(), input.poisonByKind(), input.endMarkers(),
                    input.seconds());
            try (InputProgress ip = new InputProgress(bootstrap)) {
                progress = ip;
                Result r = runOn(broker, bootstrap, registry, input, work, t0);
                completed = true;
                return r;
            }
        } finally {
            if (ownRegistry != null) {
                ownRegistry.close();
            }
            if (!keep && problems.isEmpty() && completed) {
                deleteRecursively(work);
            } else {
                log.println("chaos: work dir kept: " + work + " (pipeline and broker logs)");
            }
        }
    }

    private Result runOn(BrokerProcess broker, String bootstrap, String registry, ChaosInput.Written input, Path work,
                         long t0) throws Exception {
        PipelineSerdes serdes = PipelineSerdes.of(PipelineConfig.builder().bootstrapServers(bootstrap)
                .schemaRegistryUrl(registry).build());
        Deserializer<WindowMetrics> metricsDeserializer = serdes.windowMetrics().deserializer();
        long tumblingMs = ChaosInput.MINUTE_MS;

        // 1. The reference: uninterrupted.
        long t = System.nanoTime();
        // Small runs keep each window's normalized text, to show what differs.
        boolean keepText = o.events() <= 50_000;
        MetricsLedger reference = new MetricsLedger(tumblingMs, keepText);
        DeadLetters referenceDlq = new DeadLetters();
        if (o.reference()) {
            try (TopicTail m = new TopicTail(bootstrap, REFERENCE_METRICS, r -> reference.add(key(r), metricsDeserializer.deserialize(REFERENCE_METRICS, r.value())));
                 TopicTail d = new TopicTail(bootstrap, REFERENCE_DLQ, referenceDlq::add);
                 PipelineProcess ref = pipeline(work, "reference", bootstrap, registry, Map.of(
                         "topic.metrics", REFERENCE_METRICS, "topic.dlq", REFERENCE_DLQ,
                         "topic.final-metrics", REFERENCE_FINAL_METRICS))) {
                ref.start();
                long refStart = System.nanoTime();
                say("reference: pipeline started (pid %d), uninterrupted", ref.pid());
                if (!awaitDone("reference", ref, reference, referenceDlq, input, List.of(), List.of(), new Counters())) {
                    problems.add("the reference run did not finish within " + o.timeout());
                }
                referenceNanos = System.nanoTime() - refStart;
                settle(reference, referenceDlq);
            }
            seconds.put("reference", round((System.nanoTime() - t) / 1e9));
            say("reference: %,d windows, %,d requests in the 1-minute ALL windows, %,d dead letters (%.1f s)",
                    reference.windows(), reference.countedDistinct(), referenceDlq.total(), seconds.get("reference"));
        }

        // 2. The chaos run.
        t = System.nanoTime();
        MetricsLedger chaos = new MetricsLedger(tumblingMs, keepText);
        DeadLetters chaosDlq = new DeadLetters();
        Random random = new Random(o.seed());
        List<Fault> faults = new ArrayList<>();
        // One kill in each of K equal stretches of the progress, at a random point of it: independent points
        // bunched up (29%, 31%, 62%, 63%, 67% for the default seed and K = 5), and a restart catching up takes
        // longer than the reference's time for a stretch of 1%, so kills landed twice or three times at one spot.
        for (int i = 0; i < o.kills(); i++) {
            faults.add(new Fault(0.05 + 0.85 * (i + random.nextDouble()) / o.kills(), FaultKind.KILL));
        }
        if (o.brokerRestart()) {
            faults.add(new Fault(0.1 + 0.7 * random.nextDouble(), FaultKind.BROKER));
        }
        faults.sort(Comparator.comparingDouble(Fault::at));
        if (o.stateWipe()) {
            // The middle kill also deletes the state directory before the restart.
            faults.stream().filter(f -> f.kind == FaultKind.KILL).skip(o.kills() / 2).findFirst()
                    .ifPresent(f -> f.kind = FaultKind.KILL_AND_WIPE);
        }
        Counters c = new Counters();
        Path stateDir = work.resolve("chaos-state");
        boolean queriesEqual = false;
        boolean wipeChecked = false;
        try (TopicTail m = new TopicTail(bootstrap, Topics.METRICS, r -> chaos.add(key(r), metricsDeserializer.deserialize(Topics.METRICS, r.value())));
             TopicTail d = new TopicTail(bootstrap, Topics.DLQ, chaosDlq::add);
             PipelineProcess p = pipeline(work, "chaos", bootstrap, registry, Map.of())) {
            p.start();
            say("chaos: pipeline started (pid %d); faults at window progress %s", p.pid(), faults);
            long random0 = random.nextLong();
            Random delays = new Random(random0);
            boolean done = awaitDone("chaos", p, chaos, chaosDlq, input, faults.stream().map(f -> (Runnable) () -> {
                try {
                    inject(f, p, broker, stateDir, c, delays, chaos, input);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }).toList(), faults, c);
            if (!done) {
                problems.add("the chaos run did not finish within " + o.timeout());
            }
            settle(chaos, chaosDlq);
            // 3. State directory deleted after the end: rebuilt from the changelogs, the same answers.
            if (o.stateWipe() && done) {
                if (!p.awaitRunning(o.timeout())) {
                    problems.add("the pipeline was not RUNNING before the state check (log " + p.log() + ")");
                }
                // The answers are compared after the rebuild, so they must be final first. "done" only looks at the
                // 1-minute ALL windows; the tasks owning other keys may still be working off their backlog after the
                // last fault (seen in CI: a model's window answered open with 83 requests before the rebuild and 86
                // after, its task not yet through its input). Wait for every window the uninterrupted run emitted.
                if (!chaos.hasEvery(reference)) {
                    if (!awaitEveryWindowOf(reference, chaos, o.timeout())) {
                        problems.add("not every window of the uninterrupted run was out before the state check");
                    }
                    settle(chaos, chaosDlq); // the run settled before the wait
                }
                long before = chaos.records();
                Map<String, String> answersBefore = queries(p, input);
                p.kill9();
                deleteRecursively(stateDir);
                say("state check: %d answers taken, pipeline killed, state directory %s deleted, restarting", answersBefore.size(), stateDir);
                p.start();
                if (!p.awaitRunning(o.timeout())) {
                    problems.add("the pipeline did not come back after its state directory was deleted (log " + p.log() + ")");
                } else {
                    Map<String, String> answersAfter = queries(p, input);
                    // Compared as JSON values: object members in any order (maps of counts come from hash maps).
                    // Doubles to a relative 1e-9, as the windows: a rebuild may merge a hopping window's minutes in
                    // another order, which moves sums and sketch-derived percentiles in their last digits.
                    queriesEqual = !answersBefore.isEmpty() && sameJson(asJson(answersBefore), asJson(answersAfter));
                    wipeChecked = true;
                    if (!queriesEqual) {
                        problems.add("queries answered differently after the state rebuild: " + firstDifference(answersBefore, answersAfter));
                    }
                    settle(chaos, chaosDlq);
                    if (chaos.records() != before) {
                        say("state check: %d more metric records after the rebuild", chaos.records() - before);
                    }
                }
                say("state check: %d queries, answers %s after the rebuild", answersBefore.size(), queriesEqual ? "equal" : "DIFFERENT");
            }
            if (m.failure() != null || d.failure() != null) {
                problems.add("reading the output failed: " + (m.failure() != null ? m.failure() : d.failure()));
            }
        }
        seconds.put("chaos", round((System.nanoTime() - t) / 1e9));

        // 4. The verdict.
        long counted = chaos.countedAll();
        long distinct = chaos.countedDistinct();
        long lost = Math.max(0, input.events() - distinct);
        long duplicated = (counted - distinct) + Math.max(0, distinct - input.events());
        List<String> differences = o.reference() ? chaos.differences(reference) : List.of();
        long referenceCounted = reference.countedDistinct();
        if (lost > 0) {
            problems.add(lost + " valid events are in no final window (late dead letters: " + chaosDlq.byReason().getOrDefault("late-event", 0L) + ")");
        }
        if (duplicated > 0) {
            problems.add(duplicated + " requests counted twice (" + chaos.reEmittedWindows() + " windows emitted more than once)");
        }
        if (o.reference() && referenceCounted != input.events()) {
            problems.add("the reference counted " + referenceCounted + " of " + input.events() + " events");
        }
        if (!differences.isEmpty()) {
            problems.add(differences.size() + " windows differ from the reference, e.g. " + differences.subList(0, Math.min(5, differences.size()))
                    + chaos.explain(reference, differences.get(0)));
        }
        if (chaosDlq.poisonMatched() != input.poison()) {
            problems.add(chaosDlq.poisonMatched() + " of " + input.poison() + " poison records are in the DLQ with an expected reason; wrong: "
                    + chaosDlq.mismatches());
        }
        if (chaosDlq.unexpected() > 0) {
            problems.add(chaosDlq.unexpected() + " dead letters that are not poison " + chaosDlq.byReason());
        }
        if (c.unexpectedExits > 0) {
            problems.add("the pipeline exited " + c.unexpectedExits + " times without being killed (log " + work.resolve("chaos.log") + ")");
        }
        if (o.brokerRestart() && !c.brokerRecovered) {
            problems.add("the pipeline did not recover by itself from the broker restart");
        }
        if (c.kills < o.kills()) {
            problems.add("only " + c.kills + " of " + o.kills() + " kills happened before the end");
        }
        seconds.put("total", round((System.nanoTime() - t0) / 1e9));
        return new Result(input.events(), counted, lost, duplicated, chaosDlq.total(), input.poison(),
                chaosDlq.poisonMatched(), chaosDlq.unexpected(), c.kills, c.faultsAfterDone, c.brokerRestarts,
                c.brokerRecovered, wipeChecked, queriesEqual, reference.windows(), differences, c.unexpectedExits,
                input.endMarkers(), chaosDlq.byReason(), seconds, List.copyOf(problems));
    }

    private enum FaultKind { KILL, KILL_AND_WIPE, BROKER }

    private static final class Fault {
        final double at;
        FaultKind kind;

        Fault(double at, FaultKind kind) {
            this.at = at;
            this.kind = kind;
        }

        double at() {
            return at;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s@%.0f%%", kind.name().toLowerCase(Locale.ROOT).replace('_', '+'), at * 100);
        }
    }

    private static final class Counters {
        int kills;
        /** Faults fired after every window was out (see {@link #awaitDone}). */
        int faultsAfterDone;
        int brokerRestarts;
        boolean brokerRecovered;
        int unexpectedExits;
        long brokerRestartAtWindows = -1;
    }

    private void inject(Fault f, PipelineProcess p, BrokerProcess broker, Path stateDir, Counters c, Random delays,
                        MetricsLedger ledger, ChaosInput.Written input) throws InterruptedException {
        // A random moment within the next second, not exactly on a progress poll.
        Thread.sleep(delays.nextInt(1000));
        switch (f.kind) {
            case KILL, KILL_AND_WIPE -> {
                long pid = p.pid();
                p.kill9();
                c.kills++;
                if (f.kind == FaultKind.KILL_AND_WIPE) {
                    deleteRecursively(stateDir);
                }
                say("chaos: kill -9 #%d of pid %d at %d/%d windows%s; restarting", c.kills, pid,
                        ledger.seen(input.minuteStarts()), input.minuteStarts().size(),
                        f.kind == FaultKind.KILL_AND_WIPE ? ", state directory deleted" : "");
                p.start();
                // The next fault's clock starts when this one is over: a restart can take a minute (see the
                // transaction timeout above), and faults timed from the kill all landed in one recovery.
                long t = System.nanoTime();
                if (p.awaitRunning(RECOVERY_WAIT)) {
                    say("chaos: restarted pipeline RUNNING after %.1f s", (System.nanoTime() - t) / 1e9);
                } else {
                    say("chaos: restarted pipeline not RUNNING within %d s; going on", RECOVERY_WAIT.toSeconds());
                }
            }
            case BROKER -> {
                long t = System.nanoTime();
                broker.restart(true, Duration.ofSeconds(60));
                c.brokerRestarts++;
                c.brokerRestartAtWindows = ledger.seen(input.minuteStarts());
                say("chaos: broker killed (SIGKILL) and restarted (down %.1f s, new pid %d) at %d/%d windows; the pipeline is left alone",
                        (System.nanoTime() - t) / 1e9, broker.pid(), c.brokerRestartAtWindows, input.minuteStarts().size());
            }
        }
    }

    /**
     * Waits until every 1-minute window of the input has been emitted and every poison record dead-lettered, firing
     * the faults as progress passes their points, and restarting the pipeline if it exits on its own (counted).
     */
    private boolean awaitDone(String name, PipelineProcess p, MetricsLedger ledger, DeadLetters dlq,
                              ChaosInput.Written input, List<Runnable> actions, List<Fault> faults,
                              Counters c) throws InterruptedException {
        long deadline = System.nanoTime() + o.timeout().toNanos();
        int total = input.minuteStarts().size();
        int next = 0;
        long lastReport = System.nanoTime();
        double consumed = 0;
        long lastConsumedCheck = 0;
        long lastFault = System.nanoTime();
        while (System.nanoTime() < deadline) {
            int seen = ledger.seen(input.minuteStarts());
            if (System.nanoTime() - lastConsumedCheck > 1_000_000_000L) {
                lastConsumedCheck = System.nanoTime();
                consumed = Math.max(consumed, progress.consumed(p.applicationId()));
            }
            // Half reading the input, half closing windows: points spread over both phases of the run.
            double at = 0.5 * consumed + 0.5 * seen / (double) total;
            boolean done = seen >= total && dlq.total() >= input.poison();
            if (done && next < actions.size()) {
                // A small input can be done in one burst after a restart, before the next fault's time: the
                // remaining faults hit the finished pipeline (its restart must then emit nothing twice).
                say("%s: input done with %d of %d faults fired; firing the rest", name, next, actions.size());
                c.faultsAfterDone++;
                actions.get(next++).run();
                lastFault = System.nanoTime();
                continue;
            }
            if (done) {
                if (c.brokerRestarts > 0) {
                    c.brokerRecovered = c.unexpectedExits == 0;
                }
                return true;
            }
            // A fault fires when progress passes its point, or when the time the uninterrupted run needed for the
            // stretch since the previous fault has passed: a small input is processed in one burst, and progress
            // alone would jump from 0 to done between two polls.
            double previous = next == 0 ? 0 : faults.get(next - 1).at;
            if (next < actions.size() && (at >= faults.get(next).at || (referenceNanos > 0
                    && System.nanoTime() - lastFault >= (faults.get(next).at - previous) * referenceNanos))) {
                actions.get(next++).run();
                lastFault = System.nanoTime();
                continue;
            }
            if (!p.alive()) {
                c.unexpectedExits++;
                say("%s: the pipeline exited by itself with %d (see %s); restarting it", name, p.exitValue(), p.log());
                p.start();
            }
            if (System.nanoTime() - lastReport > 10_000_000_000L) {
                lastReport = System.nanoTime();
                say("%s: input %.0f%% committed, %,d/%,d minute windows out, %,d metric records, %,d dead letters",
                        name, consumed * 100, seen, total, ledger.records(), dlq.total());
            }
            Thread.sleep(100);
        }
        return false;
    }

    private static boolean awaitEveryWindowOf(MetricsLedger reference, MetricsLedger ledger, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ledger.hasEvery(reference)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(200);
        }
        return true;
    }

    /** Waits a few seconds of quiet on the output so late duplicates, if any, are seen. */
    private static void settle(MetricsLedger ledger, DeadLetters dlq) throws InterruptedException {
        long last = -1;
        int quiet = 0;
        for (int i = 0; i < 300 && quiet < 30; i++) {
            long now = ledger.records() + dlq.total();
            quiet = now == last ? quiet + 1 : 0;
            last = now;
            Thread.sleep(200);
        }
    }

    /** The HTTP answers compared across the state rebuild: ALL and every model, tumbling and hopping, last hour. */
    private Map<String, String> queries(PipelineProcess p, ChaosInput.Written input) throws InterruptedException {
        long to = input.lastEventMs();
        long from = to - Duration.ofMinutes(60).toMillis();
        List<String> paths = new ArrayList<>();
        for (String window : List.of("tumbling", "hopping")) {
            paths.add("/api/metrics/" + window + "/ALL/*?from=" + from + "&to=" + to);
            input.models().stream().sorted().forEach(model -> paths.add("/api/metrics/" + window + "/MODEL/"
                    + URLEncoder.encode(model, StandardCharsets.UTF_8).replace("+", "%20") + "?from=" + from + "&to=" + to));
        }
        Map<String, String> answers = new TreeMap<>();
        for (String path : paths) {
            for (int attempt = 0; ; attempt++) {
                try {
                    HttpResponse<String> r = p.get(path);
                    if (r.statusCode() == 200) {
                        answers.put(path, r.body());
                        break;
                    }
                    if (attempt >= 60) {
                        answers.put(path, "HTTP " + r.statusCode() + " " + r.body());
                        break;
                    }
                } catch (IOException e) {
                    if (attempt >= 60) {
                        answers.put(path, "failed: " + e);
                        break;
                    }
                }
                Thread.sleep(500);
            }
        }
        return answers;
    }

    private static boolean sameJson(Map<String, com.fasterxml.jackson.databind.JsonNode> a,
                                    Map<String, com.fasterxml.jackson.databind.JsonNode> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        return a.keySet().stream().allMatch(k -> a.get(k).equals(DOUBLE_TOLERANT, b.get(k)));
    }

    /** Equal numbers to a relative 1e-9; everything else compared exactly (node equality recurses with this). */
    private static final java.util.Comparator<com.fasterxml.jackson.databind.JsonNode> DOUBLE_TOLERANT = (x, y) -> {
        if (x.isNumber() && y.isNumber()) {
            double u = x.doubleValue();
            double v = y.doubleValue();
            return Double.compare(u, v) == 0 || Math.abs(u - v) <= 1e-9 * Math.max(Math.abs(u), Math.abs(v)) ? 0 : 1;
        }
        return x.equals(y) ? 0 : 1;
    };

    private static Map<String, com.fasterxml.jackson.databind.JsonNode> asJson(Map<String, String> answers) {
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        Map<String, com.fasterxml.jackson.databind.JsonNode> out = new TreeMap<>();
        answers.forEach((k, v) -> {
            try {
                out.put(k, mapper.readTree(v));
            } catch (IOException e) {
                out.put(k, com.fasterxml.jackson.databind.node.TextNode.valueOf(v));
            }
        });
        return out;
    }

    private static String firstDifference(Map<String, String> a, Map<String, String> b) {
        for (Map.Entry<String, String> e : a.entrySet()) {
            String other = b.get(e.getKey());
            if (!e.getValue().equals(other)) {
                String a1 = e.getValue();
                String b1 = other == null ? "" : other;
                int i = 0;
                while (i < a1.length() && i < b1.length() && a1.charAt(i) == b1.charAt(i)) {
                    i++;
                }
                int from = Math.max(0, i - 120);
                return e.getKey() + " from char " + i + ": ..." + a1.substring(from, Math.min(a1.length(), i + 120))
                        + " vs ..." + b1.substring(Math.min(from, b1.length()), Math.min(b1.length(), i + 120));
            }
        }
        return "(none)";
    }

    private PipelineProcess pipeline(Path work, String name, String bootstrap, String registry,
                                     Map<String, String> extraConfig) {
        Path config = work.resolve(name + ".properties");
        StringBuilder props = new StringBuilder();
        // A killed instance leaves its group membership behind until the session times out; 10 s instead of the
        // default 45 s keeps each kill's rebalance short. Same for both runs, so the comparison is fair.
        props.append("streams.session.timeout.ms=10000\nstreams.heartbeat.interval.ms=3000\n");
        // On an overloaded machine (load 40 on 2 cores seen) a transaction can outlive the Streams default of 10 s;
        // the coordinator then aborts it and, seen once with Kafka 4.4, the producer kept retrying
        // CONCURRENT_TRANSACTIONS for minutes. A minute of headroom; the same for both runs. The price: a pipeline
        // restarted on a wiped state directory has a new process id, hence a new transactional.id, so it cannot fence
        // the killed one's open transaction and waits up to this long for the coordinator to abort it (README).
        props.append("streams.producer.transaction.timeout.ms=60000\n");
        // Window store changelogs are compact+delete with retention.ms = store retention + this (1 day by default),
        // judged by the broker on record timestamps, i.e. event time. Replaying input older than that, the broker
        // deletes rolled changelog segments and a state rebuild misses them (a week-old input lost 570 of 1,500
        // requests after a state wipe; so did a 1,000,000-event input whose first day was 31 hours old). An operator
        // replaying old data sets it past the data's age; so does chaos.
        long changelogExtra = Math.max(Duration.ofDays(1).toMillis(), coverInputAgeMs);
        props.append("streams.windowstore.changelog.additional.retention.ms=").append(changelogExtra).append('\n');
        if (o.pacedReads()) {
            // The broker holds a fetch until fetch.min.bytes are available, counting at most the partition limit
            // per partition, so with a limit this small every fetch waits fetch.max.wait.ms and returns at most
            // about one small batch per partition (same for both runs).
            props.append("streams.main.consumer.max.partition.fetch.bytes=").append(2 * PACED_BATCH_BYTES).append('\n');
            props.append("streams.main.consumer.fetch.min.bytes=").append(64 * 1024 * 1024).append('\n');
            props.append("streams.main.consumer.fetch.max.wait.ms=").append(PACED_FETCH_WAIT_MS).append('\n');
        }
        extraConfig.forEach((k, v) -> props.append(k).append('=').append(v).append('\n'));
        try {
            Files.writeString(config, props.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int port = Ports.freePort();
        String applicationId = "beast-chaos-" + name;
        return new PipelineProcess(applicationId, List.of(
                "--bootstrap-servers", bootstrap,
                "--schema-registry", registry,
                "--application-id", applicationId,
                "--state-dir", work.resolve(name + "-state").toString(),
                "--http-port", Integer.toString(port),
                "--config", config.toString()), port, work.resolve(name + ".log"), o.pipelineHeap());
    }

    private void provision(String bootstrap, String registry) {
        List<Topics.TopicSpec> specs = new ArrayList<>();
        // The input, metrics and DLQ topics' 7-day retention is aged by event time too: week-old input vanished
        // under a running test at the broker's first retention check (30 s after its start), input not yet read and
        // window records the test had not reached.
        for (Topics.TopicSpec declared : Topics.all(o.partitions())) {
            Topics.TopicSpec s = withRetentionAtLeast(declared, coverInputAgeMs);
            if (Topics.inputs().contains(s.name()) || s.name().equals(Topics.METRICS) || s.name().equals(Topics.DLQ)
                    || s.name().equals(Topics.FINAL_METRICS)) {
                specs.add(s);
            }
            if (s.name().equals(Topics.FINAL_METRICS)) {
                specs.add(new Topics.TopicSpec(REFERENCE_FINAL_METRICS, s.valueType(), s.keyDescription(), s.partitions(), s.configs()));
            }
            if (s.name().equals(Topics.METRICS)) {
                specs.add(new Topics.TopicSpec(REFERENCE_METRICS, s.valueType(), s.keyDescription(), s.partitions(), s.configs()));
            }
            if (s.name().equals(Topics.DLQ)) {
                specs.add(new Topics.TopicSpec(REFERENCE_DLQ, s.valueType(), s.keyDescription(), s.partitions(), s.configs()));
            }
        }
        // Only the metrics pipeline's topics: without the routing-acks topic the insight stage stays off, so the
        // chaos measures the metrics pipeline alone (and the machine's cores go to it).
        try (TopicAdmin admin = TopicAdmin.connect(bootstrap)) {
            admin.ensureTopics(specs);
        }
        try (SchemaRegistryClient client = SchemaRegistryClients.create(Map.of(RegistryClientConfig.URL, registry))) {
            SubjectRegistration.registerAll(client, specs);
        }
    }

    static Topics.TopicSpec withRetentionAtLeast(Topics.TopicSpec s, long retentionMs) {
        String declared = s.configs().get("retention.ms");
        if (declared == null || Long.parseLong(declared) < 0 || Long.parseLong(declared) >= retentionMs) {
            return s;
        }
        Map<String, String> configs = new HashMap<>(s.configs());
        configs.put("retention.ms", Long.toString(retentionMs));
        return new Topics.TopicSpec(s.name(), s.valueType(), s.keyDescription(), s.partitions(), Map.copyOf(configs));
    }

    private static String key(ConsumerRecord<byte[], byte[]> r) {
        return new String(r.key(), StandardCharsets.UTF_8);
    }

    /** The dead letters of one run, matched against the poison records by key. */
    static final class DeadLetters {
        private final AtomicLong total = new AtomicLong();
        private final Map<String, Long> byReason = new ConcurrentHashMap<>();
        private final Map<String, String> poison = new ConcurrentHashMap<>();
        private final AtomicLong unexpected = new AtomicLong();

        void add(ConsumerRecord<byte[], byte[]> r) {
            total.incrementAndGet();
            Header h = r.headers().lastHeader("beast.dlq.reason");
            String reason = h == null ? "(no reason header)" : new String(h.value(), StandardCharsets.UTF_8);
            byReason.merge(reason, 1L, Long::sum);
            String key = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
            if (key.startsWith("poison|")) {
                poison.merge(key, reason, (a, b) -> a + "," + b);
            } else {
                unexpected.incrementAndGet();
            }
        }

        long total() {
            return total.get();
        }

        long unexpected() {
            return unexpected.get();
        }

        Map<String, Long> byReason() {
            return new TreeMap<>(byReason);
        }

        /** Poison records dead-lettered exactly once with a reason their kind can have. */
        long poisonMatched() {
            return poison.entrySet().stream().filter(e -> ChaosInput.EXPECTED_REASONS
                    .get(e.getKey().split("\\|")[1]).contains(e.getValue())).count();
        }

        List<String> mismatches() {
            return poison.entrySet().stream().filter(e -> !ChaosInput.EXPECTED_REASONS
                    .get(e.getKey().split("\\|")[1]).contains(e.getValue())).map(e -> e.getKey() + "=" + e.getValue())
                    .limit(10).toList();
        }
    }

    private void say(String format, Object... args) {
        log.println("chaos: " + String.format(Locale.ROOT, format, args).replaceFirst("^chaos: ", ""));
        log.flush();
    }

    private static double round(double s) {
        return Math.round(s * 10) / 10.0;
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + dir, e);
        }
    }
}
