package io.beastmode.topology.window;

import io.beastmode.processors.metrics.WindowAggregate;
import io.beastmode.simulator.GatewaySimulator;
import io.beastmode.simulator.SimEvent;
import io.beastmode.simulator.SimulatorOptions;
import io.beastmode.topology.decode.EventMapper;
import io.beastmode.topology.model.Decoded;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The decode task's in-memory partials for one flush: the events of one task's third of the input, mapped by the
 * pipeline's {@link EventMapper} from the simulator's real-trace telemetry, added and then sent as one partial per
 * dimension key, each encoded as the repartition topic's serde does. {@code perKey} adds each event to the
 * aggregate of each of its keys (the emitter before {@link WindowPartials}); {@code perCombination} is
 * {@link WindowPartials}. Scores are per event.
 *
 * <p>{@code requestRate} is the simulator's mean rate of requests per second of event time: 50,000 (the production
 * target and the throughput bench's default) puts a whole flush of {@code EVENTS} events in one window; 0 keeps the
 * trace's own spacing (about 11 requests/s), where each one-minute window holds about a thousand of the task's events
 * and a flush spans many windows.
 *
 * <p>Not part of the test phase. From the repository root: {@code mvn -q -o -pl topology -am test-compile
 * dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/jmh.classpath} then {@code java -cp
 * topology/target/test-classes:topology/target/classes:$(cat topology/target/jmh.classpath)
 * io.beastmode.topology.window.WindowPartialsBenchmarks}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseParallelGC", "-Xms2g", "-Xmx2g"})
@State(Scope.Thread)
public class WindowPartialsBenchmarks {

    /** Events of one flush of one decode task (a 200 ms commit interval at about 300,000 events/s over 3 tasks). */
    static final int EVENTS = 20_000;
    private static final long MINUTE_MS = 60_000L;
    private static final double TOLERANCE = 0.05;

    @Param({"50000", "0"})
    public double requestRate;

    private Decoded[] events;
    private long[] windowStarts;

    @Setup(Level.Trial)
    public void setUp() {
        GatewaySimulator simulator = GatewaySimulator.create(new SimulatorOptions().seed(1).requestRate(requestRate)
                .maxEvents(3L * EVENTS * 4).progress(false));
        EventMapper mapper = new EventMapper(Instant.EPOCH, Long.MAX_VALUE / 4, 1.0);
        Random partition = new Random(1);
        List<Decoded> kept = new ArrayList<>();
        List<Long> starts = new ArrayList<>();
        while (simulator.hasNext() && kept.size() < EVENTS) {
            SimEvent e = simulator.next();
            if (partition.nextInt(3) != 0) {
                continue; // another task's partition
            }
            Decoded d = mapper.map(e.record(), Long.MAX_VALUE / 4);
            if (d != null) {
                kept.add(d);
                starts.add(e.eventTime() - Math.floorMod(e.eventTime(), MINUTE_MS));
            }
        }
        events = kept.toArray(Decoded[]::new);
        windowStarts = starts.stream().mapToLong(Long::longValue).toArray();
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public int perKey() {
        Map<Long, Map<String, WindowAggregate>> windows = new HashMap<>();
        for (int i = 0; i < events.length; i++) {
            Map<String, WindowAggregate> window = windows.computeIfAbsent(windowStarts[i], s -> new HashMap<>());
            for (String key : events[i].dimensionKeys()) {
                WindowAggregate a = window.get(key);
                if (a == null) {
                    a = new WindowAggregate(TOLERANCE);
                    window.put(key, a);
                }
                events[i].observation().addTo(a);
            }
        }
        int sent = 0;
        for (Map<String, WindowAggregate> w : windows.values()) {
            for (WindowAggregate a : w.values()) {
                sent += a.toBytes().length;
            }
        }
        return sent;
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public int perCombination() {
        Map<Long, WindowPartials> windows = new HashMap<>();
        for (int i = 0; i < events.length; i++) {
            windows.computeIfAbsent(windowStarts[i], s -> new WindowPartials(TOLERANCE))
                    .add(events[i].dimensionKeys(), events[i].observation());
        }
        int sent = 0;
        for (WindowPartials w : windows.values()) {
            for (WindowPartials.KeyPartial p : w.rollUp().values()) {
                sent += p.aggregate().toBytes().length;
            }
        }
        return sent;
    }

    /** JMH command-line options are accepted, e.g. {@code -wi 1 -i 1 -f 1} for a quick look. */
    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        new Runner(new OptionsBuilder().parent(new CommandLineOptions(args))
                .include(WindowPartialsBenchmarks.class.getName()).build()).run();
    }
}
