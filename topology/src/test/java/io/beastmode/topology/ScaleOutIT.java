package io.beastmode.topology;

import io.beastmode.analytics.v1.Dimension;
import io.beastmode.analytics.v1.WindowMetrics;
import io.beastmode.stack.BeastTestStack;
import io.beastmode.stack.EmbeddedKafkaCluster;
import io.beastmode.stack.Ports;
import io.beastmode.telemetry.v1.CacheOutcome;
import io.beastmode.telemetry.v1.CacheTier;
import io.beastmode.telemetry.v1.RequestEvent;
import io.beastmode.telemetry.v1.SelectionReason;
import io.beastmode.topology.config.PipelineConfig;
import io.beastmode.topology.config.PipelineTopics;
import io.beastmode.topology.serde.PipelineSerdes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scale-out on one machine: a 3-node KRaft cluster (replication factor 3, min ISR 2) and 3 pipeline instances, each a
 * JVM of its own ({@link BeastPipeline#main} configured by BEAST_* variables, as in a deployment) with one application
 * id, its own state directory, HTTP port and application.server, and 1 standby replica per store. While telemetry
 * flows, one instance is killed with SIGKILL (no shutdown hook, no commit, no leave-group: its open transaction and
 * group membership just time out) and later one broker is stopped. Asserted: processing continues on every input
 * partition, a surviving instance answers queries for the keys the killed one owned (forwarded, then local once it
 * takes them over) with no state lost, and at the end the final 1-minute ALL windows count exactly the requests sent,
 * each window once. Prints the fail-over times it measured.
 */
class ScaleOutIT {

    private static final long MIN = 60_000L;
    private static final int INSTANCES = 3;
    private static final int MODELS = 12;
    /** Events per second, and event time runs 6x faster than the wall clock, so a 50 s run spans ~5 windows. */
    private static final int RATE = 150;
    private static final long EVENT_MS_PER_WALL_MS = 6;
    private static final long RUN_MS = 50_000;
    private static final long KILL_INSTANCE_AT_MS = 15_000;
    private static final long STOP_BROKER_AT_MS = 32_000;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void killingAnInstanceAndABrokerLosesNothing() throws Exception {
        String registry = BeastTestStack.registryUrl();
        Path work = Files.createDirectories(Path.of("target", "scale-out-it"));
        String prefix = "scale-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        PipelineTopics topics = PipelineTopics.prefixed(prefix);
        String appId = prefix + "pipeline";
        List<Process> instances = new java.util.concurrent.CopyOnWriteArrayList<>();
        // Should this JVM end abruptly, the instances must not outlive it (they would keep writing their logs).
        Thread reaper = new Thread(() -> instances.forEach(Process::destroyForcibly), "scale-out-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
        try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start(3)) {
            run(cluster, registry, work, topics, appId, instances);
        } finally {
            Runtime.getRuntime().removeShutdownHook(reaper);
        }
    }

    private void run(EmbeddedKafkaCluster cluster, String registry, Path work, PipelineTopics topics, String appId,
                     List<Process> instances) throws Exception {
        try {
            String bootstrap = cluster.bootstrapServers();
            createTopics(bootstrap, topics);
            PipelineConfig config = PipelineConfig.builder().bootstrapServers(bootstrap).schemaRegistryUrl(registry)
                    .applicationId(appId).topics(topics).httpPort(-1).build();
            BeastPipeline.registerOutputSchemas(config); // once, instead of 3 instances racing for it
            PipelineSerdes serdes = PipelineSerdes.of(config);

            int[] ports = new int[INSTANCES];
            for (int i = 0; i < INSTANCES; i++) {
                ports[i] = Ports.freePort();
                instances.add(startInstance(i, ports[i], bootstrap, registry, appId, topics, work));
            }
            long launched = System.currentTimeMillis();
            for (int port : ports) {
                awaitHealthy(port, launched + 120_000);
            }
            System.out.printf("scale-out: %d instances RUNNING %d ms after launch%n", INSTANCES,
                    System.currentTimeMillis() - launched);

            long base = (System.currentTimeMillis() - 2 * 3_600_000L) / MIN * MIN;
            List<String> models = new ArrayList<>();
            for (int m = 0; m < MODELS; m++) {
                models.add("m-" + m);
            }
            Map<String, AtomicLong> sentPerModel = new ConcurrentHashMap<>();
            models.forEach(m -> sentPerModel.put(m, new AtomicLong()));
            AtomicLong sent = new AtomicLong();
            Map<Long, Long> sentPerWindow = new java.util.concurrent.ConcurrentSkipListMap<>();
            AtomicLong failedSends = new AtomicLong();
            AtomicLong lastEventTime = new AtomicLong(base);
            AtomicReference<Throwable> producerError = new AtomicReference<>();
            long runStart = System.currentTimeMillis();
            Thread producerThread = new Thread(() -> {
                try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
                    Serializer<RequestEvent> serializer = serdes.requestEvent().serializer();
                    long n = 0;
                    while (System.currentTimeMillis() - runStart < RUN_MS) {
                        long due = runStart + n * 1000 / RATE;
                        long wait = due - System.currentTimeMillis();
                        if (wait > 0) {
                            Thread.sleep(wait);
                        }
                        long t = base + (System.currentTimeMillis() - runStart) * EVENT_MS_PER_WALL_MS;
                        String model = models.get((int) (n % MODELS));
                        RequestEvent e = TestEvents.request(t, "chat", model, 100 + n % 50).build();
                        producer.send(new ProducerRecord<>(topics.requests(), null, t, e.getRequestId(),
                                serializer.serialize(topics.requests(), e)), (md, ex) -> {
                            if (ex != null) {
                                failedSends.incrementAndGet();
                            } else {
                                sent.incrementAndGet();
                                sentPerModel.get(model).incrementAndGet();
                                sentPerWindow.merge(t / MIN * MIN - base, 1L, Long::sum);
                            }
                        });
                        lastEventTime.set(t);
                        n++;
                    }
                    producer.flush();
                } catch (Throwable t) {
                    producerError.set(t);
                }
            }, "scale-out-producer");
            producerThread.start();

            // Who owns which MODEL key: an instance answers a request marked as forwarded only for keys it owns.
            sleepUntil(runStart + KILL_INSTANCE_AT_MS);
            Map<String, Integer> owner = owners(ports, models, base);
            int victim = owner.get(models.get(0));
            List<String> victimModels = models.stream().filter(m -> owner.get(m) == victim).toList();
            int survivor = (victim + 1) % INSTANCES;
            Map<String, Long> countsBeforeKill = new HashMap<>();
            for (String m : victimModels) {
                countsBeforeKill.put(m, count(query(ports[survivor], m, base, false)));
            }
            assertThat(countsBeforeKill.values()).as("the victim's keys have state before the kill")
                    .allMatch(c -> c > 0);
            long killedAt = System.currentTimeMillis();
            instances.get(victim).destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL
            // What was committed when it died: its partitions move on only once a survivor took them over.
            Map<TopicPartition, Long> committedAtKill = committedInputOffsets(bootstrap, appId, topics);
            // The ALL series (what the final count below reads) has one owner too; say whether it moved.
            List<Integer> allOwner = new ArrayList<>();
            for (int i = 0; i < INSTANCES; i++) {
                HttpResponse<String> r = i == victim ? null : querySeries(ports[i], "ALL/", base, true);
                if (r != null && r.statusCode() == 200) {
                    allOwner.add(i);
                }
            }
            System.out.printf("scale-out: killed instance %d (port %d) owning %s at %d ms; owners %s; ALL now "
                    + "owned by survivor %s (none: it was the killed one's)%n", victim, ports[victim], victimModels,
                    killedAt - runStart, owner, allOwner);

            // Queries to a survivor for the victim's keys: fail while the dead owner is still in the metadata,
            // then answer again, from state that lost nothing (standby or changelog restore).
            long answeredAt = -1;
            long resumedAt = -1;
            long deadline = killedAt + 90_000;
            while ((answeredAt < 0 || resumedAt < 0) && System.currentTimeMillis() < deadline) {
                if (answeredAt < 0 && victimModels.stream().allMatch(m -> {
                    HttpResponse<String> r = query(ports[survivor], m, base, false);
                    return r != null && r.statusCode() == 200 && count(r) >= countsBeforeKill.get(m);
                })) {
                    answeredAt = System.currentTimeMillis();
                }
                if (resumedAt < 0) {
                    Map<TopicPartition, Long> now = committedInputOffsets(bootstrap, appId, topics);
                    if (committedAtKill.entrySet().stream().allMatch(e -> now.getOrDefault(e.getKey(), -1L) > e.getValue())) {
                        resumedAt = System.currentTimeMillis();
                    }
                }
                Thread.sleep(200);
            }
            assertThat(answeredAt).as("survivor answers for the killed instance's keys").isPositive();
            assertThat(resumedAt).as("every input partition commits progress again").isPositive();
            System.out.printf("scale-out: after the kill, queries for its keys answered again after %d ms, every "
                    + "input partition committed progress again after %d ms%n", answeredAt - killedAt,
                    resumedAt - killedAt);

            sleepUntil(runStart + STOP_BROKER_AT_MS);
            int brokerDown = 2;
            long brokerStoppedAt = System.currentTimeMillis();
            cluster.stop(brokerDown);
            System.out.printf("scale-out: stopped broker node %d at %d ms (stop took %d ms)%n", brokerDown + 1,
                    brokerStoppedAt - runStart, System.currentTimeMillis() - brokerStoppedAt);

            producerThread.join(RUN_MS + 120_000);
            assertThat(producerError.get()).isNull();
            assertThat(failedSends.get()).isZero();
            long requestsSent = sent.get();

            // One event 10 minutes past the last one on every partition of every input topic: every decode task's
            // watermark passes the last window + grace, so all windows close now rather than after the watermark
            // idle time. The flush request falls in a window that never closes: never counted.
            long flushTime = lastEventTime.get() + 10 * MIN;
            try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
                for (int p = 0; p < 3; p++) {
                    RequestEvent r = TestEvents.request(flushTime, "chat", "flush", 1).build();
                    send(producer, topics.requests(), p, flushTime, r.getRequestId(),
                            serdes.requestEvent().serializer().serialize(topics.requests(), r));
                    var c = TestEvents.cost(flushTime, "flush", "flush", 0.0, null).build();
                    send(producer, topics.cost(), p, flushTime, c.getRequestId(),
                            serdes.costEvent().serializer().serialize(topics.cost(), c));
                    var ce = TestEvents.cache(flushTime, CacheTier.EXACT, "flush", CacheOutcome.MISS, 1).build();
                    send(producer, topics.cache(), p, flushTime, ce.getRequestId(),
                            serdes.cacheEvent().serializer().serialize(topics.cache(), ce));
                    var s = TestEvents.selection(flushTime, "chat", "flush", SelectionReason.STRATEGY, 1.0,
                            Map.of("flush", 1.0)).build();
                    send(producer, topics.selection(), p, flushTime, s.getRequestId(),
                            serdes.selectionEvent().serializer().serialize(topics.selection(), s));
                }
                producer.flush();
            }
            long flushedAt = System.currentTimeMillis();

            long counted = 0;
            long lateRequests = 0;
            Set<Long> windowStarts = new HashSet<>();
            Map<Long, Long> countedPerWindow = new java.util.TreeMap<>();
            List<Long> duplicateWindows = new ArrayList<>();
            try (KafkaConsumer<String, byte[]> consumer = ItSupport.consumer(bootstrap)) {
                consumer.subscribe(List.of(topics.metrics(), topics.dlq()));
                var metrics = serdes.windowMetrics().deserializer();
                var deadLetters = serdes.deadLetter().deserializer();
                long readDeadline = System.currentTimeMillis() + 120_000;
                while (counted + lateRequests < requestsSent && System.currentTimeMillis() < readDeadline) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                        if (r.topic().equals(topics.dlq())) {
                            var dl = deadLetters.deserialize(r.topic(), r.value());
                            if (dl.getSourceTopic().equals(topics.requests())) {
                                lateRequests++;
                            }
                            continue;
                        }
                        WindowMetrics m = metrics.deserialize(r.topic(), r.value());
                        if (m.getDimension() == Dimension.ALL && m.getWindowSizeMs() == MIN && m.getFinal$()) {
                            counted += m.getRequests().getCount();
                            countedPerWindow.merge(m.getWindowStart() - base, m.getRequests().getCount(), Long::sum);
                            if (!windowStarts.add(m.getWindowStart())) {
                                duplicateWindows.add(m.getWindowStart());
                            }
                        }
                    }
                }
                // Anything beyond the expected count (a window emitted twice) would arrive right after.
                for (int i = 0; i < 4; i++) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                        if (r.topic().equals(topics.metrics())) {
                            WindowMetrics m = metrics.deserialize(r.topic(), r.value());
                            if (m.getDimension() == Dimension.ALL && m.getWindowSizeMs() == MIN && m.getFinal$()) {
                                counted += m.getRequests().getCount();
                                countedPerWindow.merge(m.getWindowStart() - base, m.getRequests().getCount(),
                                        Long::sum);
                                if (!windowStarts.add(m.getWindowStart())) {
                                    duplicateWindows.add(m.getWindowStart());
                                }
                            }
                        }
                    }
                }
            }
            System.out.printf("scale-out: %d requests sent; %d counted in %d final ALL 1-minute windows (all read "
                    + "%d ms after the flush), %d late, duplicate windows %s%n", requestsSent, counted,
                    windowStarts.size(), System.currentTimeMillis() - flushedAt, lateRequests, duplicateWindows);
            System.out.printf("scale-out: per window (ms after the first) sent %s, counted %s%n", sentPerWindow,
                    countedPerWindow);
            assertThat(lateRequests).isZero();
            assertThat(duplicateWindows).isEmpty();
            assertThat(counted).isEqualTo(requestsSent);

            // The stores agree: a survivor's answer for each of the victim's keys counts every request sent for it.
            for (String m : victimModels) {
                HttpResponse<String> r = query(ports[survivor], m, base, false);
                assertThat(r).isNotNull();
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                assertThat(count(r)).as(m).isEqualTo(sentPerModel.get(m).get());
            }
        } finally {
            // SIGTERM while the brokers are still up: each survivor closes Kafka Streams cleanly.
            for (Process p : instances) {
                p.destroy();
            }
            for (Process p : instances) {
                if (!p.waitFor(40, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    /** One pipeline instance as a JVM of its own, configured only through BEAST_* variables. */
    private static Process startInstance(int i, int port, String bootstrap, String registry, String appId,
                                         PipelineTopics topics, Path work) throws IOException {
        Path stateDir = Files.createTempDirectory("beast-scale-" + i);
        Map<String, String> env = new LinkedHashMap<>();
        env.put(PipelineConfig.envName(PipelineConfig.BOOTSTRAP_SERVERS), bootstrap);
        env.put(PipelineConfig.envName(PipelineConfig.SCHEMA_REGISTRY_URL), registry);
        env.put(PipelineConfig.envName(PipelineConfig.APPLICATION_ID), appId);
        env.put(PipelineConfig.envName(PipelineConfig.STATE_DIR), stateDir.toString());
        env.put(PipelineConfig.envName(PipelineConfig.HTTP_PORT), String.valueOf(port));
        env.put(PipelineConfig.envName(PipelineConfig.APPLICATION_SERVER), "127.0.0.1:" + port);
        env.put(PipelineConfig.envName(PipelineConfig.REPLICATION_FACTOR), "3");
        env.put(PipelineConfig.envName(PipelineConfig.NUM_STANDBY_REPLICAS), "1");
        env.put(PipelineConfig.envName(PipelineConfig.COMMIT_INTERVAL), "200ms");
        env.put(PipelineConfig.envName(PipelineConfig.GRACE), "2m");
        // Longer than a fail-over: a decode task that moves must not be skipped by the watermark, or its backlog
        // would be late.
        env.put(PipelineConfig.envName(PipelineConfig.WATERMARK_IDLE), "120s");
        env.put(PipelineConfig.envName(PipelineConfig.ROCKSDB_BLOCK_CACHE_BYTES), String.valueOf(16L << 20));
        env.put(PipelineConfig.envName(PipelineConfig.ROCKSDB_WRITE_BUFFER_BYTES), String.valueOf(8L << 20));
        env.put("BEAST_TOPIC_REQUESTS", topics.requests());
        env.put("BEAST_TOPIC_CACHE", topics.cache());
        env.put("BEAST_TOPIC_SELECTION", topics.selection());
        env.put("BEAST_TOPIC_COST", topics.cost());
        env.put("BEAST_TOPIC_METRICS", topics.metrics());
        env.put("BEAST_TOPIC_DLQ", topics.dlq());
        env.put("BEAST_TOPIC_FINAL_METRICS", topics.finalMetrics());
        // A dead member is noticed after the session timeout (the broker's minimum, 6 s, instead of 45 s).
        env.put("BEAST_STREAMS_PROPS", String.join(",",
                "client.id=instance-" + i,
                StreamsConfig.consumerPrefix("session.timeout.ms") + "=6000",
                StreamsConfig.consumerPrefix("heartbeat.interval.ms") + "=1500",
                StreamsConfig.InternalConfig.EMIT_INTERVAL_MS_KSTREAMS_WINDOWED_AGGREGATION + "=0"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-cp", classpath,
                BeastPipeline.class.getName());
        pb.environment().keySet().removeIf(k -> k.startsWith("BEAST_"));
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        pb.redirectOutput(work.resolve("instance-" + i + ".log").toFile());
        return pb.start();
    }

    private void awaitHealthy(int port, long deadline) throws InterruptedException {
        while (System.currentTimeMillis() < deadline) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/api/health")).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("RUNNING")) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError("instance on port " + port + " not RUNNING in time");
    }

    /** Each model's owner: the one instance that answers a request marked as already forwarded. */
    private Map<String, Integer> owners(int[] ports, List<String> models, long base) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            Map<String, Integer> owner = new LinkedHashMap<>();
            for (String m : models) {
                for (int i = 0; i < ports.length; i++) {
                    HttpResponse<String> r = query(ports[i], m, base, true);
                    if (r != null && r.statusCode() == 200) {
                        owner.merge(m, i, (a, b) -> -1);
                    }
                }
            }
            if (owner.size() == models.size() && !owner.containsValue(-1)) {
                return owner;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no stable owner for every key");
    }

    private HttpResponse<String> query(int port, String model, long base, boolean markForwarded) {
        return querySeries(port, "MODEL/" + model, base, markForwarded);
    }

    private HttpResponse<String> querySeries(int port, String series, long base, boolean markForwarded) {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/api/metrics/1m/" + series + "?from=" + base + "&to=" + (base + 60 * MIN)))
                .timeout(Duration.ofSeconds(15)).GET();
        if (markForwarded) {
            req.header("X-Beast-Forwarded", "probe");
        }
        try {
            return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static long count(HttpResponse<String> r) {
        if (r == null || r.statusCode() != 200) {
            return -1;
        }
        try {
            long n = 0;
            for (var w : new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).get("windows")) {
                n += w.get("requests").get("count").asLong();
            }
            return n;
        } catch (IOException e) {
            throw new AssertionError(r.body(), e);
        }
    }

    /** The application's committed offset of every input partition (absent partitions: nothing committed yet). */
    private static Map<TopicPartition, Long> committedInputOffsets(String bootstrap, String appId,
                                                                  PipelineTopics topics) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(appId)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            return committed.entrySet().stream().filter(e -> e.getKey().topic().equals(topics.requests())
                            && e.getValue() != null)
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        }
    }

    private static void createTopics(String bootstrap, PipelineTopics topics) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<NewTopic> newTopics = new ArrayList<>();
            for (String t : topics.inputs()) {
                newTopics.add(new NewTopic(t, 3, (short) 3).configs(Map.of("min.insync.replicas", "2")));
            }
            for (String t : topics.outputs()) {
                newTopics.add(new NewTopic(t, 3, (short) 3).configs(Map.of("min.insync.replicas", "2")));
            }
            admin.createTopics(newTopics).all().get();
            // Leaders serve the new partitions a moment after creation; produce only once they answer.
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (NewTopic t : newTopics) {
                for (int p = 0; p < 3; p++) {
                    latest.put(new TopicPartition(t.name(), p), OffsetSpec.latest());
                }
            }
            long deadline = System.currentTimeMillis() + 30_000;
            while (true) {
                try {
                    admin.listOffsets(latest).all().get();
                    return;
                } catch (Exception e) {
                    if (System.currentTimeMillis() > deadline) {
                        throw e;
                    }
                    Thread.sleep(100);
                }
            }
        }
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 20),
                new StringSerializer(), new ByteArraySerializer());
    }

    private static void send(KafkaProducer<String, byte[]> producer, String topic, int partition, long time,
                             String key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, partition, time, key, value));
    }

    private static void sleepUntil(long at) throws InterruptedException {
        long wait = at - System.currentTimeMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
    }
}
