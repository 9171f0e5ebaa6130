package io.beastmode.topology.insight;

import io.beastmode.topology.BeastPipeline;
import io.beastmode.analytics.v1.Anomaly;
import io.beastmode.analytics.v1.OptimizationProposal;
import io.beastmode.analytics.v1.ProposalOutcome;
import io.beastmode.topology.config.PipelineConfig;
import io.beastmode.topology.config.StreamsProps;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The insight topology as its own Kafka Streams application, {@code <application.id>-insight}, beside the metrics
 * one: its single-partition step must not share task assignment, threads or failure with the metrics windows, and
 * it reads the metrics topic like any other consumer, so it can be restarted (or replayed) on its own.
 */
public final class InsightApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InsightApp.class);
    public static final String SUFFIX = "-insight";

    private final PipelineConfig config;
    private final InsightTopics topics;
    private final KafkaStreams streams;

    private InsightApp(PipelineConfig config, InsightTopics topics, KafkaStreams streams) {
        this.config = config;
        this.topics = topics;
        this.streams = streams;
    }

    /**
     * The metrics pipeline's config with the insight application id and commit interval; no interactive queries,
     * one thread.
     */
    public static PipelineConfig configFor(PipelineConfig metrics) {
        return metrics.toBuilder().applicationId(metrics.applicationId() + SUFFIX).applicationServer(null)
                .numStreamThreads(1).commitInterval(metrics.insightCommitInterval()).build();
    }

    /** Input topics of the insight app that the broker does not have (empty: it can start). */
    public static List<String> missingInputs(PipelineConfig metrics) {
        InsightTopics topics = InsightTopics.of(metrics);
        Map<String, Object> p = StreamsProps.adminSettings(metrics); // security settings and the like
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, metrics.bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            return topics.inputs().stream().filter(t -> !existing.contains(t)).toList();
        } catch (Exception e) {
            throw new IllegalStateException("cannot list topics on " + metrics.bootstrapServers(), e);
        }
    }

    public static InsightApp start(PipelineConfig metrics, InsightConfig insight) {
        PipelineConfig config = configFor(metrics);
        InsightTopics topics = InsightTopics.of(metrics);
        registerOutputSchemas(config, topics);
        Properties props = StreamsProps.of(config);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        KafkaStreams streams = new KafkaStreams(InsightTopology.build(config, insight, topics,
                System::currentTimeMillis), props);
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("insight stream thread failed; replacing it", e);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.setStateListener((now, before) -> LOG.info("insight Kafka Streams {} -> {}", before, now));
        streams.start();
        LOG.info("insight '{}' started: {} and {} to {}, {}, {} (detector {}, threshold {})", config.applicationId(),
                topics.finalMetrics(), topics.routingAcks(), topics.anomalies(), topics.proposals(), topics.outcomes(),
                insight.detector().kind(), insight.detector().alertThreshold());
        return new InsightApp(config, topics, streams);
    }

    /** As the metrics pipeline does: register before any thread serializes. */
    static void registerOutputSchemas(PipelineConfig config, InsightTopics topics) {
        Map<String, Schema> subjects = new LinkedHashMap<>();
        subjects.put(topics.anomalies() + "-value", Anomaly.getClassSchema());
        subjects.put(topics.proposals() + "-value", OptimizationProposal.getClassSchema());
        subjects.put(topics.outcomes() + "-value", ProposalOutcome.getClassSchema());
        BeastPipeline.registerSchemas(config, subjects);
    }

    public KafkaStreams streams() {
        return streams;
    }

    public InsightTopics topics() {
        return topics;
    }

    public PipelineConfig config() {
        return config;
    }

    public void close(Duration timeout) {
        streams.close(timeout);
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }
}
