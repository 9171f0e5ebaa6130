package io.beastmode.cli.bench.jmh;

import io.beastmode.detectors.Detectors;
import io.beastmode.detectors.StreamingDetector;
import io.beastmode.processors.metrics.MetricsSnapshot;
import io.beastmode.processors.metrics.RequestObservation;
import io.beastmode.processors.metrics.WindowAggregate;
import io.beastmode.proposals.Dimension;
import io.beastmode.proposals.Proposal;
import io.beastmode.proposals.ProposalConfig;
import io.beastmode.proposals.ProposalEngine;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Micro-benchmarks of the insight stage's per-window work: one anomaly detector update (the default
 * RobustNoveltyDetector) and one proposal evaluation (ProposalEngine.onWindow over the default rules) for a closed
 * one-minute window of one model. Not part of the test phase; run from the repository root with
 * {@code mvn -q -o -pl cli -am test-compile dependency:build-classpath -Dmdep.includeScope=test
 * -Dmdep.outputFile=target/jmh.classpath} then {@code java -cp
 * cli/target/test-classes:cli/target/classes:$(cat cli/target/jmh.classpath) io.beastmode.cli.bench.jmh.LoopBenchmarks}
 * (the reactor puts this worktree's modules on the class path, not older jars from the local repository).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Thread)
public class LoopBenchmarks {

    private static final int SERIES = 4096;
    private static final long MINUTE_MS = 60_000L;

    private double[] values;
    private MetricsSnapshot[] windows;
    private StreamingDetector detector;
    private ProposalEngine engine;
    private int next;
    private long time;

    @Setup(Level.Trial)
    public void setUp() {
        Random random = new Random(7);
        values = new double[SERIES];
        windows = new MetricsSnapshot[SERIES];
        for (int i = 0; i < SERIES; i++) {
            // p95 latency per minute: log-normal noise around 800 ms, with a slow daily swing and rare spikes.
            values[i] = 800 * Math.exp(0.1 * random.nextGaussian()) * (1 + 0.2 * Math.sin(i * 2 * Math.PI / 1440))
                    * (random.nextInt(500) == 0 ? 4 : 1);
        }
        for (int w = 0; w < SERIES; w++) {
            WindowAggregate a = new WindowAggregate();
            for (int r = 0; r < 60; r++) {
                double latency = values[w] * Math.exp(0.3 * random.nextGaussian());
                a.addRequest(new RequestObservation(w * MINUTE_MS + r * 1000L, "acme", "chat", "gpt-4",
                        random.nextInt(100) == 0, null, latency, latency / 6, 500 + random.nextInt(3000),
                        100 + random.nextInt(400)));
            }
            windows[w] = a.snapshot(w * MINUTE_MS, (w + 1) * MINUTE_MS);
        }
        detector = Detectors.createDefault();
        engine = new ProposalEngine(ProposalConfig.defaults());
    }

    /** One detector update with the next value of the series (history, deviations, score). */
    @Benchmark
    public Object detectorUpdate() {
        int i = next++ % SERIES;
        time += MINUTE_MS;
        return detector.update(time, values[i]);
    }

    /** One closed window through every default proposal rule. */
    @Benchmark
    public List<Proposal> proposalEvaluation() {
        int i = next++ % SERIES;
        return engine.onWindow(Dimension.MODEL, "gpt-4", windows[i]);
    }

    /**
     * The insight stage's store write after one window: an engine holding the full history (30 windows) of 24 series,
     * the simulator's count of one-minute series, gets a window of one series and is then written whole
     * ({@link ProposalEngine#toBytes()}, as the insight stage did before its state was stored in parts) or as the parts that changed ({@code drainChanges}).
     */
    @State(Scope.Thread)
    public static class FullEngine {
        static final int LIVE_SERIES = 24;
        ProposalEngine engine;
        MetricsSnapshot[] windows;
        int next;

        @Setup(Level.Trial)
        public void setUp(LoopBenchmarks shared) {
            windows = shared.windows;
            engine = new ProposalEngine(ProposalConfig.defaults());
            for (int w = 0; w < 30; w++) {
                for (int s = 0; s < LIVE_SERIES; s++) {
                    engine.onWindow(Dimension.MODEL, "model-" + s, shared.windows[w]);
                }
            }
            engine.drainChanges();
            next = 30 * LIVE_SERIES;
        }

        void oneWindow() {
            int i = next++;
            engine.onWindow(Dimension.MODEL, "model-" + (i % LIVE_SERIES), windows[(i / LIVE_SERIES) % SERIES]);
        }
    }

    @Benchmark
    public byte[] stateWriteWholeBlob(FullEngine f) {
        f.oneWindow();
        return f.engine.toBytes();
    }

    @Benchmark
    public Object stateWriteChangedParts(FullEngine f) {
        f.oneWindow();
        return f.engine.drainChanges();
    }

    /** JMH command-line options are accepted, e.g. {@code -wi 1 -i 1 -f 1} for a quick look. */
    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        new Runner(new OptionsBuilder().parent(new CommandLineOptions(args))
                .include(LoopBenchmarks.class.getName()).build()).run();
    }
}
