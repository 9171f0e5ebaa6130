package io.beastmode.clients;

import io.beastmode.schemas.Topics;
import io.beastmode.serde.BeastAvroSerializer;
import io.beastmode.serde.BeastSerdeConfig;
import io.beastmode.telemetry.v1.CacheEvent;
import io.beastmode.telemetry.v1.CostEvent;
import io.beastmode.telemetry.v1.RequestEvent;
import io.beastmode.telemetry.v1.SelectionEvent;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Publishes gateway telemetry (the four event kinds) to the contract topics, keyed by request id so every event of a
 * request lands in the same partition. The producer is idempotent with {@code acks=all} (no duplicates or reordering
 * on retries) and batches with linger and compression, so sends are cheap and asynchronous. Every event is validated
 * before send ({@link EventValidator}); a bad event throws {@link InvalidEventException} in the caller's thread.
 * Thread-safe.
 *
 * <pre>{@code
 * try (TelemetryPublisher p = TelemetryPublisher.builder()
 *         .bootstrapServers("127.0.0.1:9092").registryUrl("http://127.0.0.1:8081/apis/ccompat/v7").build()) {
 *     p.publish(requestEvent).whenComplete((md, err) -> ...);
 * }
 * }</pre>
 */
public final class TelemetryPublisher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TelemetryPublisher.class);

    static {
        AvroTrust.ensure();
    }

    private final Producer<String, SpecificRecord> producer;
    private final EventValidator validator;
    private final Map<Class<?>, String> topics;
    private final LongAdder sent = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final Map<String, LongAdder> sentByTopic = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> failedByTopic = new ConcurrentHashMap<>();

    private TelemetryPublisher(Producer<String, SpecificRecord> producer, EventValidator validator, Map<Class<?>, String> topics) {
        this.producer = producer;
        this.validator = validator;
        this.topics = Map.copyOf(topics);
    }

    public static Builder builder() {
        return new Builder();
    }

    public CompletableFuture<RecordMetadata> publish(RequestEvent event) {
        return publish(event, null);
    }

    public CompletableFuture<RecordMetadata> publish(CacheEvent event) {
        return publish(event, null);
    }

    public CompletableFuture<RecordMetadata> publish(SelectionEvent event) {
        return publish(event, null);
    }

    public CompletableFuture<RecordMetadata> publish(CostEvent event) {
        return publish(event, null);
    }

    /**
     * Validates and sends any of the four event kinds to its topic, key = requestId. {@code callback} (may be null)
     * runs on the producer's I/O thread when the broker answers, so it must be quick; the returned future completes at
     * the same time.
     *
     * @throws InvalidEventException when the event breaks a contract rule; nothing is sent then
     */
    public CompletableFuture<RecordMetadata> publish(SpecificRecord event, Callback callback) {
        try {
            validator.validate(event);
        } catch (InvalidEventException e) {
            rejected.increment();
            throw e;
        }
        String topic = topics.get(event.getClass());
        if (topic == null) {
            rejected.increment();
            throw new InvalidEventException(event.getClass().getSimpleName(), "type", "has no topic configured");
        }
        String key = requestId(event);
        CompletableFuture<RecordMetadata> future = new CompletableFuture<>();
        try {
            producer.send(new ProducerRecord<>(topic, key, event), (metadata, error) -> {
                if (error == null) {
                    sent.increment();
                    sentByTopic.computeIfAbsent(topic, t -> new LongAdder()).increment();
                    future.complete(metadata);
                } else {
                    countFailure(topic);
                    future.completeExceptionally(error);
                }
                if (callback != null) {
                    try {
                        callback.onCompletion(metadata, error);
                    } catch (RuntimeException e) {
                        log.warn("publish callback threw for {} key {}", topic, key, e);
                    }
                }
            });
        } catch (RuntimeException e) {
            // Serialization (e.g. registry unreachable) and buffer errors surface synchronously; report them the same way.
            countFailure(topic);
            future.completeExceptionally(e);
            if (callback != null) {
                callback.onCompletion(null, e);
            }
        }
        return future;
    }

    private void countFailure(String topic) {
        failed.increment();
        failedByTopic.computeIfAbsent(topic, t -> new LongAdder()).increment();
    }

    private static String requestId(SpecificRecord event) {
        if (event instanceof RequestEvent e) {
            return e.getRequestId();
        } else if (event instanceof CacheEvent e) {
            return e.getRequestId();
        } else if (event instanceof SelectionEvent e) {
            return e.getRequestId();
        } else if (event instanceof CostEvent e) {
            return e.getRequestId();
        }
        throw new InvalidEventException(event.getClass().getSimpleName(), "type", "is not a telemetry event");
    }

    /** The topic events of {@code type} go to. */
    public String topicFor(Class<? extends SpecificRecord> type) {
        return topics.get(type);
    }

    public PublisherStats stats() {
        return new PublisherStats(sent.sum(), failed.sum(), rejected.sum(), snapshot(sentByTopic), snapshot(failedByTopic));
    }

    private static Map<String, Long> snapshot(Map<String, LongAdder> counters) {
        Map<String, Long> out = new LinkedHashMap<>();
        counters.forEach((k, v) -> out.put(k, v.sum()));
        return Map.copyOf(out);
    }

    /** Blocks until every event sent so far has been acknowledged or has failed. */
    public void flush() {
        producer.flush();
    }

    /** Flushes and closes, waiting at most {@code timeout} for outstanding sends. */
    public void close(Duration timeout) {
        producer.close(timeout);
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    public static final class Builder {
        private String bootstrapServers;
        private String registryUrl;
        private final Map<String, Object> producerProps = new HashMap<>();
        private final Map<String, Object> serdeProps = new HashMap<>();
        private final Map<Class<?>, String> topics = new HashMap<>(Map.of(
                RequestEvent.class, Topics.REQUESTS,
                CacheEvent.class, Topics.CACHE,
                SelectionEvent.class, Topics.SELECTION,
                CostEvent.class, Topics.COST));
        private Instant minEventTime = EventValidator.DEFAULT_MIN_EVENT_TIME;
        private Duration maxFutureSkew = EventValidator.DEFAULT_MAX_FUTURE_SKEW;
        private Producer<String, SpecificRecord> producer;
        private Serializer<SpecificRecord> valueSerializer;

        private Builder() {
        }

        public Builder bootstrapServers(String servers) {
            this.bootstrapServers = servers;
            return this;
        }

        /** Confluent-compatible registry URL, e.g. {@code http://127.0.0.1:8081/apis/ccompat/v7} or {@code mock://scope}. */
        public Builder registryUrl(String url) {
            this.registryUrl = url;
            return this;
        }

        /** Any producer setting; overrides the defaults (e.g. {@code linger.ms}, {@code compression.type}, security). */
        public Builder producerProperty(String key, Object value) {
            producerProps.put(key, value);
            return this;
        }

        public Builder producerProperties(Map<String, ?> props) {
            producerProps.putAll(props);
            return this;
        }

        /** Serde settings ({@link BeastSerdeConfig} keys: registry auth, TLS, auto-register, ...). */
        public Builder serdeProperty(String key, Object value) {
            serdeProps.put(key, value);
            return this;
        }

        /** Sends events of {@code type} to {@code topic} instead of the contract topic (tests, prefixed deployments). */
        public Builder topic(Class<? extends SpecificRecord> type, String topic) {
            if (!topics.containsKey(type)) {
                throw new IllegalArgumentException(type.getName() + " is not a telemetry event type");
            }
            topics.put(type, Objects.requireNonNull(topic));
            return this;
        }

        /** Earliest accepted event time (default 2015-01-01). */
        public Builder minEventTime(Instant earliest) {
            this.minEventTime = earliest;
            return this;
        }

        /** How far past the wall clock an event time may be (default 1 h; replays shifted into the future need more). */
        public Builder maxFutureSkew(Duration skew) {
            this.maxFutureSkew = skew;
            return this;
        }

        /** Uses this producer instead of creating one (tests with {@code MockProducer}, shared producers). */
        public Builder producer(Producer<String, SpecificRecord> producer) {
            this.producer = producer;
            return this;
        }

        /** Uses this value serializer instead of the registry-backed Avro one. */
        public Builder valueSerializer(Serializer<SpecificRecord> serializer) {
            this.valueSerializer = serializer;
            return this;
        }

        public TelemetryPublisher build() {
            EventValidator validator = new EventValidator(minEventTime, maxFutureSkew, Clock.systemUTC());
            if (producer != null) {
                return new TelemetryPublisher(producer, validator, topics);
            }
            if (bootstrapServers == null || bootstrapServers.isBlank()) {
                throw new IllegalStateException("bootstrapServers is required");
            }
            Map<String, Object> props = defaults(bootstrapServers);
            props.putAll(producerProps);
            Serializer<SpecificRecord> serializer = valueSerializer;
            if (serializer == null) {
                if (registryUrl == null || registryUrl.isBlank()) {
                    throw new IllegalStateException("registryUrl is required (or a valueSerializer)");
                }
                Map<String, Object> serde = new HashMap<>(serdeProps);
                serde.put(BeastSerdeConfig.SCHEMA_REGISTRY_URL, registryUrl);
                serializer = new BeastAvroSerializer<>();
                serializer.configure(serde, false);
            }
            return new TelemetryPublisher(new KafkaProducer<>(props, new StringSerializer(), serializer), validator, topics);
        }

        /** The producer settings used unless overridden: idempotent, acks=all, batched and compressed. */
        public static Map<String, Object> defaults(String bootstrapServers) {
            Map<String, Object> props = new HashMap<>();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
            // Telemetry tolerates a few ms of delay; larger compressed batches cut broker load per event.
            props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
            props.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
            props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
            props.put(ProducerConfig.CLIENT_ID_CONFIG, "beast-telemetry-publisher");
            return props;
        }
    }
}
