package io.beastmode.cli;

import io.beastmode.topology.BeastPipeline;
import io.beastmode.topology.config.PipelineConfig;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code beast run}: the metrics pipeline against a cluster, until Ctrl-C or SIGTERM. */
@Command(name = "run", description = "Run the rolling-metrics pipeline (Kafka Streams, exactly-once) against a "
        + "cluster until Ctrl-C or SIGTERM. Windowed metrics go to beast.metrics.v1, bad input to beast.dlq.v1, and "
        + "a JSON API serves the state stores.")
public final class RunCommand implements Callable<Integer> {

    @CommandLine.Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Option(names = "--create-topics", description = "Create the contract topics and register the subjects first "
            + "(as `topics create`; `stack up` already did it for the local stack).")
    boolean createTopics;

    @Option(names = "--ready-timeout", defaultValue = "120", paramLabel = "SECONDS",
            description = "How long the pipeline may take to reach RUNNING (default: ${DEFAULT-VALUE}).")
    int readyTimeoutSeconds;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The pipeline config of the flags, variables and --config file, pointed at this cluster. */
    static PipelineConfig config(CommandLine.Model.CommandSpec spec, String bootstrapServers, String registryUrl) {
        Map<String, String> props = PipelineOptions.properties(spec);
        props.put(PipelineConfig.BOOTSTRAP_SERVERS, bootstrapServers);
        props.put(PipelineConfig.SCHEMA_REGISTRY_URL, registryUrl);
        return PipelineConfig.fromProperties(props);
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        String registryUrl = cluster.schemaRegistryUrl();
        if (createTopics) {
            Provisioning.provision(cluster.bootstrapServers(), registryUrl).lines().forEach(out::println);
        }
        PipelineConfig config = config(spec, cluster.bootstrapServers(), registryUrl);
        BeastPipeline pipeline = BeastPipeline.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            pipeline.close();
            stopped.countDown();
        }, "beast-run-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        if (!pipeline.awaitRunning(Duration.ofSeconds(readyTimeoutSeconds))) {
            Runtime.getRuntime().removeShutdownHook(hook);
            KafkaStreams.State state = pipeline.streams().state();
            pipeline.close();
            throw new NotReadyException("the pipeline did not reach RUNNING within " + readyTimeoutSeconds + " s (state "
                    + state + "); are the topics there (`beast topics`) and the broker reachable at " + cluster.bootstrapServers() + "?");
        }
        out.println("pipeline '" + config.applicationId() + "' running on " + config.bootstrapServers()
                + (pipeline.httpPort() > 0 ? ", JSON API at http://" + config.httpHost() + ":" + pipeline.httpPort() : "")
                + "; Ctrl-C stops it");
        out.flush();
        // Runs until the shutdown hook closes it, or until Kafka Streams gives up on its own.
        while (!stopped.await(1, TimeUnit.SECONDS)) {
            KafkaStreams.State state = pipeline.streams().state();
            if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING) {
                Runtime.getRuntime().removeShutdownHook(hook);
                pipeline.close();
                throw new IllegalStateException("the pipeline stopped: Kafka Streams is " + state + " (see the log above)");
            }
        }
        return ExitCodes.OK;
    }
}
