package io.beastmode.topology.config;

import io.beastmode.topology.EventTimeExtractor;
import io.beastmode.topology.rocksdb.BoundedMemoryRocksDBConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;

import java.util.Properties;

/** Runtime Kafka Streams properties for a {@link PipelineConfig} (the topology itself does not depend on them). */
public final class StreamsProps {

    private StreamsProps() {
    }

    public static Properties of(PipelineConfig c) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, c.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, c.bootstrapServers());
        p.put(StreamsConfig.STATE_DIR_CONFIG, c.stateDir().toString());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, c.numStreamThreads());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, c.processingGuarantee());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, c.commitInterval().toMillis());
        // A stream thread commits only between polls, and a poll with nothing to fetch blocks for poll.ms (100 ms by
        // default): a commit that was due waited for it, and under exactly-once nothing the app wrote (its own
        // repartition topic included) is readable before the commit. So poll no longer than a commit interval.
        p.put(StreamsConfig.POLL_MS_CONFIG, Math.max(1L, Math.min(100L, c.commitInterval().toMillis())));
        // Kafka Streams' default (0) stops a task whenever one of its four input partitions has no record buffered
        // but is known to lag, to hand records over in timestamp order across topics. The aggregates need no such
        // order and the windows close on the decode tasks' own per-topic watermarks (PartialWindowEmitter, where a
        // topic with records waiting at the start holds the watermark until read), so the wait only cost: at the
        // production density the stream threads needed about a fifth less CPU per event without it (README,
        // "Cross-topic waits").
        p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        // Repartition topic values are Observations; the extractor reads their event time.
        p.put(StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG, EventTimeExtractor.class.getName());
        p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedMemoryRocksDBConfig.class.getName());
        p.put(BoundedMemoryRocksDBConfig.BLOCK_CACHE_BYTES_CONFIG, c.rocksDbBlockCacheBytes());
        p.put(BoundedMemoryRocksDBConfig.WRITE_BUFFER_BYTES_CONFIG, c.rocksDbWriteBufferBytes());
        if (c.applicationServer() != null) {
            p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, c.applicationServer());
        }
        // Cluster settings: internal topics replicated like the contract topics (TopicAdmin), one broker may fail
        // without stopping exactly-once writes, and standby stores make an instance's failure a short hand-over.
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, c.replicationFactor());
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, c.numStandbyReplicas());
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // Restoring, even an empty changelog, ends on a fetch that finds nothing, and such a fetch waits out
        // fetch.max.wait.ms (500 ms by default) at the broker: start-up took two of them, over 1 s of the 3 s it
        // took to reach RUNNING. A fetch that finds data returns at once, so a shorter wait only speeds up the end.
        p.put(StreamsConfig.restoreConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 100);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        p.putAll(c.extraStreamsProps());
        // Whether the factor came from replication.factor or streams.replication.factor: from 3 replicas on, the
        // internal topics accept a write once factor - 1 hold it, unless min ISR was set explicitly.
        int replicationFactor = Integer.parseInt(String.valueOf(p.get(StreamsConfig.REPLICATION_FACTOR_CONFIG)));
        if (replicationFactor >= 3) {
            p.putIfAbsent(StreamsConfig.topicPrefix(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG),
                    String.valueOf(replicationFactor - 1));
        }
        return p;
    }

    /** The extra Streams properties that are admin client settings too (security and the like), for our own admins. */
    public static java.util.Map<String, Object> adminSettings(PipelineConfig c) {
        java.util.Map<String, Object> out = new java.util.HashMap<>();
        c.extraStreamsProps().forEach((k, v) -> {
            if (org.apache.kafka.clients.admin.AdminClientConfig.configNames().contains(k)) {
                out.put(k, v);
            }
        });
        return out;
    }
}
