package io.beastmode.processors.jmh;

import io.beastmode.processors.metrics.LatencySketch;
import io.beastmode.processors.metrics.MetricsSnapshot;
import io.beastmode.processors.metrics.RequestObservation;
import io.beastmode.processors.metrics.WindowAggregate;
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

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Micro-benchmarks of the hot paths of the metrics topology, with a naive exact percentile store for comparison.
 * Not part of the test phase (no JUnit annotations); run with
 * {@code mvn -q -o -pl processors test-compile org.codehaus.mojo:exec-maven-plugin:3.5.0:exec
 * -Dexec.executable=java -Dexec.classpathScope=test
 * "-Dexec.args=-cp %classpath io.beastmode.processors.jmh.SketchBenchmarks"} (exec:exec, because JMH forks JVMs
 * from the real class path).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Thread)
public class SketchBenchmarks {

    private static final int WINDOW_VALUES = 1000; // about three minutes of the Azure conv trace
    /** Events per partial: a busy key gets tens between two 100 ms commits, most keys a few. */
    private static final int PARTIAL_EVENTS = 16;
    /** Events per partial of a busy key (the ALL key): in the 2M-event bench, partials held about 250 on average. */
    private static final int BUSY_PARTIAL_EVENTS = 256;
    private static final int CACHE_PARTIAL_EVENTS = 3_000;

    private double[] latencies;
    private int next;
    private LatencySketch sketch;
    private LatencySketch full;
    private LatencySketch other;
    private byte[] fullFormat1;
    private byte[] fullFormat2;
    private WindowAggregate aggregate;
    private WindowAggregate openWindow;
    private RequestObservation[] requests;
    private io.beastmode.processors.metrics.CacheObservation[] lookups;

    @Setup(Level.Trial)
    public void setUp() {
        Random random = new Random(1);
        latencies = new double[WINDOW_VALUES];
        requests = new RequestObservation[WINDOW_VALUES];
        full = new LatencySketch();
        other = new LatencySketch();
        for (int i = 0; i < WINDOW_VALUES; i++) {
            latencies[i] = 200 * Math.exp(random.nextGaussian());
            requests[i] = new RequestObservation(i * 60L, "t", "chat", "m", i % 50 == 0, null, latencies[i],
                    latencies[i] / 5, random.nextInt(8000), random.nextInt(500));
            full.add(latencies[i]);
            other.add(latencies[i] * 1.5);
        }
        fullFormat1 = full.toBytesV1();
        fullFormat2 = full.toBytes();
        sketch = new LatencySketch();
        aggregate = new WindowAggregate();
        for (RequestObservation r : requests) {
            aggregate.addRequest(r);
        }
        openWindow = aggregate.copy();
        // Cache lookups of distinct prompts (a 64-hex key hash each), a tenth of them EXPIRED.
        lookups = new io.beastmode.processors.metrics.CacheObservation[CACHE_PARTIAL_EVENTS * 4];
        for (int i = 0; i < lookups.length; i++) {
            String keyHash = String.format("%016x%016x%016x%016x", random.nextLong(), random.nextLong(),
                    random.nextLong(), random.nextLong());
            lookups[i] = new io.beastmode.processors.metrics.CacheObservation(i * 2L, "EXACT", "default",
                    i % 10 == 0 ? "EXPIRED" : "MISS", 1 + random.nextInt(5), null, null, 0, 0, keyHash);
        }
    }

    /**
     * A busy key's partial at the production rate (50,000 requests/s, a 200 ms commit, three decode tasks: about
     * 3,000 cache lookups), filled and encoded: each lookup of a new prompt goes to the re-requested-keys sample.
     */
    @Benchmark
    public byte[] cachePartialFillAndEncode() {
        WindowAggregate partial = new WindowAggregate();
        for (int i = 0; i < CACHE_PARTIAL_EVENTS; i++) {
            partial.addCache(lookups[next++ % lookups.length]);
        }
        return partial.toBytes();
    }

    @Benchmark
    public LatencySketch sketchInsert() {
        sketch.add(latencies[next++ % WINDOW_VALUES]);
        return sketch;
    }

    @Benchmark
    public LatencySketch sketchMerge() {
        LatencySketch merged = full.copy();
        merged.merge(other);
        return merged;
    }

    @Benchmark
    public double sketchP99() {
        return full.quantile(0.99);
    }

    /** The three quantiles a window's latency stats report (p50, p95, p99), asked together. */
    @Benchmark
    public double[] sketchQuantiles() {
        return full.quantiles(0.50, 0.95, 0.99);
    }

    /** A closing window's snapshot: its stats and quantiles (latency, time to first token, input-length buckets). */
    @Benchmark
    public MetricsSnapshot aggregateSnapshot() {
        return aggregate.snapshot(0L, 60_000L);
    }

    /** The bins in the library's encoding (format 1, written before): it sizes every bin both ways first. */
    @Benchmark
    public byte[] sketchToBytesFormat1() {
        return full.toBytesV1();
    }

    /** The bins as index gaps and whole counts in one pass (format 2, written now). */
    @Benchmark
    public byte[] sketchToBytes() {
        return full.toBytes();
    }

    @Benchmark
    public LatencySketch sketchFromBytesFormat1() {
        return LatencySketch.fromBytes(fullFormat1);
    }

    @Benchmark
    public LatencySketch sketchFromBytes() {
        return LatencySketch.fromBytes(fullFormat2);
    }

    /** Encoding a whole window aggregate (8 sketches and the counters), as each partial, save and close does. */
    @Benchmark
    public byte[] aggregateToBytes() {
        return aggregate.toBytes();
    }

    /** What the topology does per event: read the stored bytes, add, write them back. */
    @Benchmark
    public byte[] aggregateAddAndToBytes() {
        WindowAggregate a = WindowAggregate.fromBytes(aggregate.toBytes());
        a.addRequest(requests[next++ % WINDOW_VALUES]);
        return a.toBytes();
    }

    @Benchmark
    public WindowAggregate aggregateAdd() {
        return aggregate.addRequest(requests[next++ % WINDOW_VALUES]);
    }

    /**
     * A partial's life in the topology: a fresh aggregate takes a few events of one key and window (between two
     * commits of the decode task), is encoded for the repartition topic, decoded downstream and merged into the
     * window's open aggregate. Fresh sketches grow their bin arrays value by value, which a full one never does.
     */
    @Benchmark
    public WindowAggregate partialLifecycle() {
        return partialLifecycle(PARTIAL_EVENTS);
    }

    /** {@link #partialLifecycle()} for a busy key's partial. */
    @Benchmark
    public WindowAggregate partialLifecycleBusy() {
        return partialLifecycle(BUSY_PARTIAL_EVENTS);
    }

    private WindowAggregate partialLifecycle(int events) {
        WindowAggregate partial = new WindowAggregate();
        for (int i = 0; i < events; i++) {
            partial.addRequest(requests[next++ % WINDOW_VALUES]);
        }
        return openWindow.merge(WindowAggregate.fromBytes(partial.toBytes()));
    }

    /** A five-minute hopping window when it closes: a fresh aggregate merged from five closed one-minute ones. */
    @Benchmark
    public WindowAggregate hoppingWindowMerge() {
        WindowAggregate hopping = new WindowAggregate();
        for (int i = 0; i < 5; i++) {
            hopping.merge(aggregate);
        }
        return hopping;
    }

    /** Naive exact store: keep every value, sort a copy for each percentile query. */
    @Benchmark
    public double exactStoreP99() {
        double[] sorted = Arrays.copyOf(latencies, latencies.length);
        Arrays.sort(sorted);
        return sorted[(int) Math.floor(0.99 * (sorted.length - 1))];
    }

    /** JMH command-line options are accepted, e.g. {@code -wi 1 -i 1 -f 1} for a quick look. */
    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        new Runner(new OptionsBuilder().parent(new CommandLineOptions(args))
                .include(SketchBenchmarks.class.getName()).build()).run();
    }
}
