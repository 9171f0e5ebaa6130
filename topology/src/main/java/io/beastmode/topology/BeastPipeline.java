package io.beastmode.topology;

import io.beastmode.analytics.v1.DeadLetter;
import io.beastmode.analytics.v1.WindowMetrics;
import io.beastmode.clients.TopicAdmin;
import io.beastmode.registry.SchemaRegistryClient;
import io.beastmode.registry.SchemaRegistryClients;
import io.beastmode.schemas.Topics;
import io.beastmode.topology.config.PipelineConfig;
import io.beastmode.topology.config.StreamsProps;
import io.beastmode.topology.http.InsightFeed;
import io.beastmode.topology.http.MetricsHttpServer;
import io.beastmode.topology.insight.InsightApp;
import io.beastmode.topology.insight.InsightConfig;
import io.beastmode.topology.query.MetricsQueryService;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.CountDownLatch;

/**
 * Runtime wrapper of the metrics pipeline: Streams properties from the config, the topology, KafkaStreams with a
 * REPLACE_THREAD uncaught exception handler, and the HTTP API. {@link #start(PipelineConfig)} returns at once;
 * {@link #awaitRunning(Duration)} waits for the RUNNING state. {@link #main} reads {@code BEAST_*} env variables.
 */
public final class BeastPipeline implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BeastPipeline.class);

    private final PipelineConfig config;
    private final PipelineMetrics metrics;
    private final KafkaStreams streams;
    private final MetricsQueryService queries;
    private final MetricsHttpServer http;
    private final InsightApp insight; // null when off
    private final InsightFeed insightFeed; // null when insight or HTTP is off
    private final AdminInputBacklog backlog;

    private BeastPipeline(PipelineConfig config, PipelineMetrics metrics, KafkaStreams streams,
                          MetricsQueryService queries, MetricsHttpServer http, InsightApp insight,
                          InsightFeed insightFeed, AdminInputBacklog backlog) {
        this.config = config;
        this.backlog = backlog;
        this.metrics = metrics;
        this.streams = streams;
        this.queries = queries;
        this.http = http;
        this.insight = insight;
        this.insightFeed = insightFeed;
    }

    /** Builds and starts everything; the input topics should exist (topic creation is the deployer's job). */
    public static BeastPipeline start(PipelineConfig requested) {
        return start(requested, InsightConfig.defaults());
    }

    /**
     * As {@link #start(PipelineConfig)}, plus the insight application (anomalies, proposals, outcomes) with this
     * config when its input topics (metrics, routing acks) exist; {@code insight} null leaves it off.
     */
    public static BeastPipeline start(PipelineConfig requested, InsightConfig insight) {
        registerOutputSchemas(requested);
        PipelineMetrics metrics = new PipelineMetrics();
        // The HTTP API binds first, so an application.server of "host:0" can name the port actually bound.
        AtomicReference<KafkaStreams> streamsRef = new AtomicReference<>();
        AtomicReference<MetricsQueryService> queriesRef = new AtomicReference<>();
        MetricsHttpServer http = null;
        PipelineConfig config = requested;
        AdminInputBacklog backlog = null;
        if (requested.httpEnabled()) {
            try {
                http = new MetricsHttpServer(requested.httpHost(), requested.httpPort(), streamsRef::get,
                        queriesRef::get, metrics, System::currentTimeMillis);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot bind the HTTP API to " + requested.httpHost() + ":"
                        + requested.httpPort(), e);
            }
            String server = requested.applicationServer();
            if (server != null && server.endsWith(":0")) {
                config = requested.toBuilder()
                        .applicationServer(server.substring(0, server.length() - 1) + http.port()).build();
            }
        }
        try {
            config = withUpstreamPartitions(config);
            ensureFinalMetricsTopic(config);
            Map<String, Object> adminConfig = new HashMap<>(StreamsProps.adminSettings(config));
            adminConfig.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
            backlog = new AdminInputBacklog(adminConfig, config.applicationId(), Duration.ofSeconds(10));
            Topology topology = MetricsTopology.build(config, metrics, System::currentTimeMillis, backlog);
            KafkaStreams streams = new KafkaStreams(topology, StreamsProps.of(config));
            streams.setUncaughtExceptionHandler(e -> {
                // Bad input never gets here (it goes to the DLQ); this is infrastructure (registry down, broker
                // errors): start a fresh thread that resumes from the last commit.
                LOG.error("stream thread failed; replacing it", e);
                return StreamThreadExceptionResponse.REPLACE_THREAD;
            });
            streams.setStateListener((now, before) -> LOG.info("Kafka Streams {} -> {}", before, now));
            MetricsQueryService queries = new MetricsQueryService(streams, config, metrics);
            streamsRef.set(streams);
            queriesRef.set(queries);
            streams.start();
            LOG.info("beast pipeline '{}' started: inputs {}, metrics to {}, dead letters to {}, HTTP {}",
                    config.applicationId(), config.topics().inputs(), config.topics().metrics(),
                    config.topics().dlq(), http == null ? "off" : config.httpHost() + ":" + http.port());
            InsightApp insightApp = startInsight(config, insight);
            InsightFeed feed = null;
            if (insightApp != null && http != null) {
                // The dashboard and /metrics show what the insight app committed to its topics.
                feed = new InsightFeed(config.bootstrapServers(), config.serdeConfigMap(),
                        insightApp.topics().outputs(), config.extraStreamsProps());
                http.serveInsights(feed.view());
            }
            return new BeastPipeline(config, metrics, streams, queries, http, insightApp, feed, backlog);
        } catch (RuntimeException e) {
            if (http != null) {
                http.close();
            }
            if (backlog != null) {
                backlog.close();
            }
            throw e;
        }
    }

    /**
     * The number of decode tasks whose watermarks close windows: the largest partition count of the input topics.
     * Kept when the config sets it; when the topics cannot be described the windows still count every task that
     * reports (see WindowCloseProcessor).
     */
    static PipelineConfig withUpstreamPartitions(PipelineConfig config) {
        if (config.upstreamPartitions() > 0) {
            return config;
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers()))) {
            int max = admin.describeTopics(config.topics().inputs()).allTopicNames().get(30, TimeUnit.SECONDS)
                    .values().stream().mapToInt(d -> d.partitions().size()).max().orElse(1);
            return config.toBuilder().upstreamPartitions(max).build();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warn("cannot describe the input topics {} ({}); windows wait only for the decode tasks that report",
                    config.topics().inputs(), e.toString());
            return config;
        }
    }

    private static InsightApp startInsight(PipelineConfig config, InsightConfig insight) {
        if (insight == null) {
            return null;
        }
        List<String> missing = InsightApp.missingInputs(config);
        if (!missing.isEmpty()) {
            // A metrics-only deployment is valid; say loudly why there are no anomalies or proposals.
            LOG.warn("insight not started: input topics {} do not exist", missing);
            return null;
        }
        return InsightApp.start(config, insight);
    }

    /**
     * Registers the output value schemas before any stream thread serializes, so the first records pay no registry
     * round trip. Two writers racing to register one new subject (Apicurio answers the loser 409) and transient
     * registry errors are handled by the registry client itself (lookup after 409, retries with backoff).
     */
    static void registerOutputSchemas(PipelineConfig config) {
        registerSchemas(config, Map.of(
                config.topics().metrics() + "-value", WindowMetrics.getClassSchema(),
                config.topics().dlq() + "-value", DeadLetter.getClassSchema(),
                config.topics().finalMetrics() + "-value", WindowMetrics.getClassSchema()));
    }

    /**
     * Creates the final-metrics topic when missing, with one partition and the contract's configs, as Kafka Streams
     * creates its own internal topics: the topology always writes it, and deployments provisioned before it existed
     * (or tests that create only the contract's older topics) would otherwise stall on its metadata.
     */
    static void ensureFinalMetricsTopic(PipelineConfig config) {
        Topics.TopicSpec contract = Topics.all().stream().filter(s -> s.name().equals(Topics.FINAL_METRICS))
                .findFirst().orElseThrow();
        Topics.TopicSpec spec = new Topics.TopicSpec(config.topics().finalMetrics(), contract.valueType(),
                contract.keyDescription(), contract.partitions(), contract.configs());
        // An existing topic is the operator's: its configs are checked and reported, never altered here.
        try (TopicAdmin admin = TopicAdmin.connect(config.bootstrapServers(), StreamsProps.adminSettings(config))
                .alterDrift(false)) {
            if (config.replicationFactor() > 0) {
                admin.replicationFactor(config.replicationFactor());
            }
            admin.ensureTopics(List.of(spec));
        }
    }

    /** Registers each subject's schema with the registry the pipeline's serdes use. */
    public static void registerSchemas(PipelineConfig config, Map<String, Schema> schemasBySubject) {
        try (SchemaRegistryClient client = SchemaRegistryClients.create(config.serdeConfigMap())) {
            schemasBySubject.forEach(client::register);
        }
    }

    /** Waits until Kafka Streams is RUNNING; false on timeout or when it stopped with an error. */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            KafkaStreams.State s = streams.state();
            if (s == KafkaStreams.State.RUNNING) {
                return true;
            }
            if (s == KafkaStreams.State.ERROR || s == KafkaStreams.State.NOT_RUNNING
                    || s == KafkaStreams.State.PENDING_SHUTDOWN || s == KafkaStreams.State.PENDING_ERROR) {
                return false;
            }
            Thread.sleep(50);
        }
        return false;
    }

    public PipelineConfig config() {
        return config;
    }

    public PipelineMetrics metrics() {
        return metrics;
    }

    public KafkaStreams streams() {
        return streams;
    }

    /** The insight application, or null when it is off. */
    public InsightApp insight() {
        return insight;
    }

    public MetricsQueryService queries() {
        return queries;
    }

    /** The port the HTTP API listens on (useful with port 0), or -1 when it is disabled. */
    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    public void close(Duration timeout) {
        if (insightFeed != null) {
            insightFeed.close();
        }
        if (insight != null) {
            insight.close(timeout);
        }
        if (http != null) {
            http.close();
        }
        streams.close(timeout);
        backlog.close();
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    /** Runs until SIGTERM/SIGINT with the config of {@code BEAST_*} environment variables. */
    public static void main(String[] args) throws InterruptedException {
        PipelineConfig config = PipelineConfig.fromEnv();
        BeastPipeline pipeline = start(config, InsightConfig.fromEnv(System.getenv()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            pipeline.close();
            stopped.countDown();
        }, "beast-pipeline-stop"));
        stopped.await();
    }
}
