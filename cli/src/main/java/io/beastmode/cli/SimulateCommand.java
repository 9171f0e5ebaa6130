package io.beastmode.cli;

import io.beastmode.simulator.Incident;
import io.beastmode.simulator.SimulationSummary;
import io.beastmode.simulator.SimulatorOptions;
import io.beastmode.simulator.SimulatorRunner;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code beast simulate}: real LLM serving traces replayed as gateway telemetry on the four input topics. */
@Command(name = "simulate", description = "Replay real LLM serving traces (Azure 2023 arrivals and tokens, Mooncake "
        + "prefix reuse, RouteLLM quality, genai-prices costs) as request, cache, selection and cost events, with a "
        + "few incidents injected at known times. Event time comes from the trace, so any --speed gives the same windows.")
public final class SimulateCommand implements Callable<Integer> {

    @CommandLine.Mixin
    ClusterOptions cluster = new ClusterOptions();

    @CommandLine.Mixin
    ReplayOptions replay = new ReplayOptions();

    @Option(names = "--start", paramLabel = "ISO-INSTANT", description = "Event time of the first arrival (default: the trace's own time).")
    Instant start;

    @Option(names = "--incidents", paramLabel = "SPEC|none",
            description = "Incidents to inject: kind:target@offset/duration[*magnitude],... or none (default: the simulator's set).")
    String incidents;

    @Option(names = "--cheap-share", paramLabel = "TYPE=X", split = ",",
            description = "Share of each request type the default router sends to the cheap model.")
    Map<String, Double> cheapShare;

    @Option(names = "--partitions", defaultValue = "3", description = "Partitions of topics created when missing (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--no-create-topics", description = "Do not create missing topics.")
    boolean noCreateTopics;

    @Option(names = "--topic-prefix", paramLabel = "P", defaultValue = "", description = "Prefix every topic name (isolated runs).")
    String topicPrefix;

    @Option(names = "--producer-property", paramLabel = "K=V", description = "Extra producer setting (repeatable).")
    Map<String, String> producerProperties;

    @Option(names = "--no-progress", description = "No progress line on stderr.")
    boolean noProgress;

    @Option(names = "--json", description = "Final summary as JSON on stdout.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        SimulatorOptions o = replay.applyTo(new SimulatorOptions())
                .bootstrapServers(cluster.bootstrapServers())
                .schemaRegistry(cluster.schemaRegistryUrl())
                .partitions(partitions)
                .createTopics(!noCreateTopics)
                .topicPrefix(topicPrefix)
                .progress(!noProgress)
                .json(json);
        if (start != null) {
            o.start(start);
        }
        if (incidents != null) {
            o.incidents(incidents.equals("none") ? List.of() : Incident.Spec.parseList(incidents));
        }
        if (cheapShare != null) {
            Map<String, Double> shares = new HashMap<>(o.cheapShare());
            shares.putAll(cheapShare);
            o.cheapShare(shares);
        }
        if (producerProperties != null) {
            producerProperties.forEach(o::producerProperty);
        }
        SimulationSummary summary = new SimulatorRunner(o, System.err).run();
        var out = spec.commandLine().getOut();
        out.print(json ? summary.toJson() + "\n" : summary.toText());
        out.flush();
        if (summary.failed() > 0) {
            spec.commandLine().getErr().println("beast simulate: " + summary.failed() + " events could not be sent");
            return ExitCodes.FAILURE;
        }
        return ExitCodes.OK;
    }

    /** The replay settings that `simulate` and `demo` share. */
    static final class ReplayOptions {
        @Option(names = "--max-events", defaultValue = "0", paramLabel = "N",
                description = "Events to publish; 0 = one pass over the trace (default: ${DEFAULT-VALUE}).")
        long maxEvents;

        @Option(names = "--seed", defaultValue = "42", description = "Seed of every random choice (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--speed", paramLabel = "X", description = "Replay speed against event time (60 = one trace "
                + "minute per second; 0 = as fast as possible).")
        Double speed;

        @Option(names = "--data", paramLabel = "DIR", description = "Shared data root with llm/... (default: "
                + "../shared/data next to the repository; the bundled sample when absent).")
        Path data;

        SimulatorOptions applyTo(SimulatorOptions o) {
            o.maxEvents(maxEvents).seed(seed).dataDir(data != null ? data : NabCommand.sharedData());
            if (speed != null) {
                o.speed(speed);
            }
            return o;
        }
    }
}
