package io.beastmode.topology.insight;

import io.beastmode.analytics.v1.AckStatus;
import io.beastmode.analytics.v1.Anomaly;
import io.beastmode.analytics.v1.OptimizationProposal;
import io.beastmode.analytics.v1.ProposalOutcome;
import io.beastmode.analytics.v1.RoutingAck;
import io.beastmode.analytics.v1.WindowMetrics;
import io.beastmode.processors.metrics.MetricsSnapshot;
import io.beastmode.serde.BeastSerdes;
import io.beastmode.topology.config.PipelineConfig;
import io.beastmode.topology.config.StreamsProps;
import io.beastmode.topology.model.DimensionKeys;
import io.beastmode.topology.model.MetricsMapper;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/** A TopologyTestDriver around {@link InsightTopology}, with a mock registry and a pinned wall clock. */
final class InsightFixture implements AutoCloseable {

    /** 2024-01-01T00:00:00Z. */
    static final long T0 = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
    static final long MIN = 60_000L;
    static final long NOW = T0 + 24 * 3_600_000L;

    final PipelineConfig config;
    final InsightTopics topics;
    final TopologyTestDriver driver;
    final TestInputTopic<String, WindowMetrics> metrics;
    final TestInputTopic<String, RoutingAck> acks;
    final TestOutputTopic<String, Anomaly> anomalies;
    final TestOutputTopic<String, OptimizationProposal> proposals;
    final TestOutputTopic<String, ProposalOutcome> outcomes;

    InsightFixture(InsightConfig insight) throws Exception {
        this(insight, "mock://insight-" + UUID.randomUUID(), Files.createTempDirectory("beast-insight-ttd"));
    }

    InsightFixture(InsightConfig insight, String registryUrl, Path stateDir) {
        config = PipelineConfig.builder().schemaRegistryUrl(registryUrl).applicationId("beast-insight-ttd")
                .stateDir(stateDir).build();
        topics = InsightTopics.of(config);
        Properties props = StreamsProps.of(config);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        driver = new TopologyTestDriver(InsightTopology.build(config, insight, topics, () -> NOW), props,
                Instant.ofEpochMilli(NOW));
        Map<String, Object> reg = config.serdeConfigMap();
        var keys = Serdes.String();
        metrics = driver.createInputTopic(topics.finalMetrics(), keys.serializer(),
                BeastSerdes.specific(WindowMetrics.class, reg, false).serializer());
        acks = driver.createInputTopic(topics.routingAcks(), keys.serializer(),
                BeastSerdes.specific(RoutingAck.class, reg, false).serializer());
        anomalies = driver.createOutputTopic(topics.anomalies(), keys.deserializer(),
                BeastSerdes.specific(Anomaly.class, reg, false).deserializer());
        proposals = driver.createOutputTopic(topics.proposals(), keys.deserializer(),
                BeastSerdes.specific(OptimizationProposal.class, reg, false).deserializer());
        outcomes = driver.createOutputTopic(topics.outcomes(), keys.deserializer(),
                BeastSerdes.specific(ProposalOutcome.class, reg, false).deserializer());
    }

    /** Sends a closed one-minute window of a store key such as {@code MODEL|gpt-4}, as the metrics topology would. */
    void send(String storeKey, MetricsSnapshot s) {
        WindowMetrics w = MetricsMapper.toWindowMetrics(storeKey, s, true, NOW);
        metrics.pipeInput(DimensionKeys.metricsKey(storeKey, s.windowSizeMs(), s.windowStartMs()), w,
                s.windowEndMs());
    }

    void ack(String proposalId, AckStatus status, long at, Double share) {
        acks.pipeInput(proposalId, RoutingAck.newBuilder().setProposalId(proposalId).setStatus(status).setAt(at)
                .setRouterId("ttd").setRolloutShare(share).setReason(null).build(), at);
    }

    /** Every entry of a store, to carry state over to another driver. */
    Map<String, byte[]> storeContents(String store) {
        KeyValueStore<String, byte[]> kv = driver.getKeyValueStore(store);
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (var it = kv.all()) {
            it.forEachRemaining(e -> out.put(e.key, e.value));
        }
        return out;
    }

    void restore(String store, Map<String, byte[]> contents) {
        KeyValueStore<String, byte[]> kv = driver.getKeyValueStore(store);
        contents.forEach(kv::put);
    }

    @Override
    public void close() {
        driver.close();
    }
}
