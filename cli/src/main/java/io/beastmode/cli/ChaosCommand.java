package io.beastmode.cli;

import io.beastmode.cli.chaos.ChaosRun;
import io.beastmode.topology.config.PipelineConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code beast chaos}: nothing lost under faults. Writes N valid request events and M poison records once, runs the
 * pipeline uninterrupted for a reference, then again while killing it with SIGKILL K times, restarting the broker
 * and deleting its state directory; ends with {@code events=N counted=N lost=0 duplicated=0 dlq=M} and exits 1 when
 * anything was lost, duplicated or differs from the reference.
 */
@Command(name = "chaos", description = {
        "Fault test of the metrics pipeline on a broker and registry of its own: writes N valid request events "
                + "(simulator, real traces) and M poison records (random bytes, unknown schema id, schema-valid "
                + "nonsense), runs `beast run` as a child process once uninterrupted (reference) and once under "
                + "faults: kill -9 K times at random points of its progress (each followed by a restart; the middle "
                + "one also deletes the state directory), one broker restart it must recover from by itself, and "
                + "after the end a state-directory wipe after which HTTP queries must answer the same.",
        "Counts: N is the number of valid request events; counted is the sum of requests over the final 1-minute "
                + "ALL windows on beast.metrics.v1; dlq the records on beast.dlq.v1 (M when only the poison is there). "
                + "Every window (all dimensions, 1- and 5-minute) must equal the reference's. Exit code 1 on any loss, "
                + "duplicate or difference."})
public final class ChaosCommand implements Callable<Integer> {

    @Option(names = "--events", defaultValue = "20000", paramLabel = "N",
            description = "Valid request events to write (default: ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--kills", defaultValue = "3", paramLabel = "K",
            description = "kill -9 of the pipeline process during the run (default: ${DEFAULT-VALUE}).")
    int kills;

    @Option(names = "--poison", defaultValue = "100", paramLabel = "M",
            description = "Poison records mixed into the input (default: ${DEFAULT-VALUE}).")
    int poison;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the input, the poison and the fault points (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--no-broker-restart", description = "Skip the broker restart.")
    boolean noBrokerRestart;

    @Option(names = "--no-state-wipe", description = "Skip the state-directory deletions.")
    boolean noStateWipe;

    @Option(names = "--paced-reads", description = "Write the input in small batches and let both runs fetch a batch or two "
            + "per partition every " + ChaosRun.PACED_FETCH_WAIT_MS + " ms, so the faults land while a small input is processed.")
    boolean pacedReads;

    @Option(names = "--partitions", defaultValue = "3", paramLabel = "P",
            description = "Partitions of the topics (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Trace data of the simulator (default: ../shared/data, else the bundled sample).")
    Path data;

    @Option(names = "--time-limit", defaultValue = "60m", paramLabel = "DURATION",
            description = "Longest wait for each run to finish (default: ${DEFAULT-VALUE}).")
    String timeLimit;

    @Option(names = "--input-age", defaultValue = "45m", paramLabel = "DURATION",
            description = "How long before now the input's event time ends, e.g. 7d to replay week-old traffic "
                    + "(default: ${DEFAULT-VALUE}).")
    String inputAge;

    @Option(names = "--pipeline-heap", defaultValue = "1g", paramLabel = "SIZE",
            description = "-Xmx of the pipeline child process (default: ${DEFAULT-VALUE}).")
    String pipelineHeap;

    @Option(names = "--work-dir", paramLabel = "DIR",
            description = "Where broker data, state and logs go; kept afterwards (default: a temp dir, deleted when the run passes).")
    Path workDir;

    @Option(names = "--json", description = "Print the result as JSON on stdout (the closing line stays on stderr).")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (events < 1 || kills < 0 || poison < 0 || partitions < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--events must be >= 1, --kills and --poison >= 0, --partitions >= 1");
        }
        ChaosRun.Options options = new ChaosRun.Options(events, kills, poison, seed, !noBrokerRestart, !noStateWipe,
                true, data, PipelineConfig.parseDuration(timeLimit), null, workDir, pipelineHeap, partitions,
                PipelineConfig.parseDuration(inputAge), pacedReads);
        ChaosRun.Result r = new ChaosRun(options, System.err).run();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.write(r.asMap()));
            System.err.println(r.line());
        } else {
            out.println(String.format(Locale.ROOT, "kills=%d faults-after-done=%d broker-restarts=%d state-wipe-queries=%s windows-compared=%d "
                            + "window-differences=%d poison-matched=%d/%d end-markers=%d seconds=%s",
                    r.kills(), r.faultsAfterDone(), r.brokerRestarts(), r.stateWipeChecked() ? (r.queriesEqual() ? "equal" : "DIFFERENT") : "skipped",
                    r.windowsCompared(), r.windowDifferences().size(), r.poisonMatched(), r.poison(), r.endMarkers(), r.seconds()));
            out.println("dead letters by reason: " + r.deadLettersByReason());
            r.problems().forEach(p -> out.println("FAILED: " + p));
            out.println(r.line());
        }
        out.flush();
        return r.passed() ? ExitCodes.OK : ExitCodes.FAILURE;
    }
}
