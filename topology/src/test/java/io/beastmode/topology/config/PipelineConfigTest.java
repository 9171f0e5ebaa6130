package io.beastmode.topology.config;

import io.beastmode.schemas.Topics;
import io.beastmode.topology.rocksdb.BoundedMemoryRocksDBConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PipelineConfigTest {

    @Test
    void defaults() {
        PipelineConfig c = PipelineConfig.builder().build();
        assertThat(c.applicationId()).isEqualTo("beast-pipeline");
        assertThat(c.processingGuarantee()).isEqualTo("exactly_once_v2");
        assertThat(c.tumblingWindow()).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.hoppingWindow()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.hoppingAdvance()).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.grace()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.interimResults()).isFalse();
        assertThat(c.httpHost()).isEqualTo("127.0.0.1");
        assertThat(c.httpPort()).isEqualTo(8080);
        assertThat(c.topics().requests()).isEqualTo(Topics.REQUESTS);
        assertThat(c.topics().dlq()).isEqualTo(Topics.DLQ);
        assertThat(c.topics().metrics()).isEqualTo(Topics.METRICS);
        assertThat(c.commitInterval()).isEqualTo(Duration.ofMillis(200));
        assertThat(c.insightCommitInterval()).isEqualTo(Duration.ofMillis(10));
    }

    /** The insight app runs on the metrics config with its own id and commit interval, both settable. */
    @Test
    void theInsightAppTakesItsOwnCommitInterval() {
        PipelineConfig c = PipelineConfig.fromEnv(Map.of("BEAST_COMMIT_INTERVAL", "2s",
                "BEAST_INSIGHT_COMMIT_INTERVAL", "25ms"));
        PipelineConfig insight = io.beastmode.topology.insight.InsightApp.configFor(c);
        assertThat(insight.commitInterval()).isEqualTo(Duration.ofMillis(25));
        assertThat(insight.applicationId()).isEqualTo(c.applicationId() + "-insight");
        assertThat(StreamsProps.of(insight).get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(25L);
        assertThat(StreamsProps.of(c).get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(2_000L);
        // A due commit waits for the poll in progress, so no poll outlasts a commit interval.
        assertThat(StreamsProps.of(insight).get(StreamsConfig.POLL_MS_CONFIG)).isEqualTo(25L);
        assertThat(StreamsProps.of(c).get(StreamsConfig.POLL_MS_CONFIG)).isEqualTo(100L);
        assertThat(PipelineConfig.fromProperties(Map.of("insight.commit.interval", "40ms")).insightCommitInterval())
                .isEqualTo(Duration.ofMillis(40));
        assertThatThrownBy(() -> PipelineConfig.builder().insightCommitInterval(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fromEnvReadsBeastVariables() {
        PipelineConfig c = PipelineConfig.fromEnv(env(
                "BEAST_BOOTSTRAP_SERVERS", "kafka:9092",
                "BEAST_SCHEMA_REGISTRY", "http://registry:8081",
                "BEAST_WINDOW_GRACE", "45s",
                "BEAST_WINDOW_TUMBLING", "PT2M",
                "BEAST_INTERIM_RESULTS", "true",
                "BEAST_HTTP_PORT", "0",
                "BEAST_TOPIC_DLQ", "my.dlq",
                "BEAST_TOPIC_FINAL_METRICS", "my.final-metrics",
                "BEAST_STREAMS_PROPS", "max.poll.records=50, linger.ms=5",
                "BEAST_COMMIT_INTERVAL", "250",
                "UNRELATED", "x"));
        assertThat(c.bootstrapServers()).isEqualTo("kafka:9092");
        assertThat(c.schemaRegistryUrl()).isEqualTo("http://registry:8081");
        assertThat(c.grace()).isEqualTo(Duration.ofSeconds(45));
        assertThat(c.tumblingWindow()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.interimResults()).isTrue();
        assertThat(c.httpPort()).isZero();
        assertThat(c.topics().dlq()).isEqualTo("my.dlq");
        assertThat(c.topics().finalMetrics()).isEqualTo("my.final-metrics");
        assertThat(c.topics().outputs()).containsExactly(Topics.METRICS, "my.dlq", "my.final-metrics");
        assertThat(c.topics().requests()).isEqualTo(Topics.REQUESTS);
        assertThat(c.commitInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.extraStreamsProps()).containsEntry("max.poll.records", "50").containsEntry("linger.ms", "5");
        assertThat(PipelineConfig.envName(PipelineConfig.ROCKSDB_BLOCK_CACHE_BYTES))
                .isEqualTo("BEAST_ROCKSDB_BLOCK_CACHE_BYTES");
    }

    @Test
    void streamsPropertiesCarryTheConfigAndExtrasWin() {
        PipelineConfig c = PipelineConfig.builder().applicationId("app").numStreamThreads(3)
                .rocksDbBlockCacheBytes(1234).applicationServer("host:1")
                .extraStreamsProp(StreamsConfig.NUM_STREAM_THREADS_CONFIG, "4").build();
        Properties p = StreamsProps.of(c);
        assertThat(p.get(StreamsConfig.APPLICATION_ID_CONFIG)).isEqualTo("app");
        assertThat(p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo("exactly_once_v2");
        assertThat(p.get(StreamsConfig.NUM_STREAM_THREADS_CONFIG)).isEqualTo("4");
        assertThat(p.get(StreamsConfig.APPLICATION_SERVER_CONFIG)).isEqualTo("host:1");
        assertThat(p.get(BoundedMemoryRocksDBConfig.BLOCK_CACHE_BYTES_CONFIG)).isEqualTo(1234L);
        assertThat(p.get(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG))
                .isEqualTo(BoundedMemoryRocksDBConfig.class.getName());
        // Windows close on the decode tasks' per-topic watermarks, not on Kafka Streams' cross-topic wait.
        assertThat(p.get(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG)).isEqualTo(StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
    }

    @Test
    void clusterSettingsComeFromEnvAndReachStreams() {
        PipelineConfig c = PipelineConfig.fromEnv(Map.of("BEAST_REPLICATION_FACTOR", "3",
                "BEAST_NUM_STANDBY_REPLICAS", "1", "BEAST_WATERMARK_IDLE", "90s"));
        assertThat(c.replicationFactor()).isEqualTo(3);
        assertThat(c.numStandbyReplicas()).isEqualTo(1);
        assertThat(c.watermarkIdle()).isEqualTo(Duration.ofSeconds(90));
        Properties p = StreamsProps.of(c);
        assertThat(p.get(StreamsConfig.REPLICATION_FACTOR_CONFIG)).isEqualTo(3);
        assertThat(p.get(StreamsConfig.topicPrefix("min.insync.replicas"))).isEqualTo("2");
        assertThat(p.get(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG)).isEqualTo(1);
        assertThat(c.toBuilder().build()).isEqualTo(c);
        // The deploy files' spelling (a pass-through Streams property) gets the same min ISR.
        Properties viaExtras = StreamsProps.of(PipelineConfig.fromProperties(Map.of("streams.replication.factor", "3")));
        assertThat(viaExtras.get(StreamsConfig.topicPrefix("min.insync.replicas"))).isEqualTo("2");
    }

    @Test
    void singleBrokerDefaultsLeaveReplicationToTheBroker() {
        Properties p = StreamsProps.of(PipelineConfig.builder().build());
        assertThat(p.get(StreamsConfig.REPLICATION_FACTOR_CONFIG)).isEqualTo(-1);
        assertThat(p).doesNotContainKey(StreamsConfig.topicPrefix("min.insync.replicas"));
        assertThat(p.get(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG)).isEqualTo(0);
        assertThatThrownBy(() -> PipelineConfig.builder().replicationFactor(0).build())
                .hasMessageContaining("replicationFactor");
        assertThatThrownBy(() -> PipelineConfig.builder().numStandbyReplicas(-1).build())
                .hasMessageContaining("numStandbyReplicas");
    }

    @Test
    void rejectsInconsistentSettings() {
        assertThatThrownBy(() -> PipelineConfig.builder().hoppingAdvance(Duration.ofMinutes(6)).build())
                .hasMessageContaining("hoppingAdvance");
        assertThatThrownBy(() -> PipelineConfig.builder().storeRetention(Duration.ofMinutes(5)).build())
                .hasMessageContaining("storeRetention");
        assertThatThrownBy(() -> PipelineConfig.builder().grace(Duration.ofSeconds(-1)).build())
                .hasMessageContaining("grace");
        assertThatThrownBy(() -> PipelineConfig.parseDuration("soon")).isInstanceOf(IllegalArgumentException.class);
        assertThat(PipelineConfig.parseDuration("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(PipelineConfig.parseDuration("2h")).isEqualTo(Duration.ofHours(2));
    }

    /** Map.of stops at ten pairs. */
    private static Map<String, String> env(String... keysAndValues) {
        Map<String, String> m = new java.util.HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }
}
