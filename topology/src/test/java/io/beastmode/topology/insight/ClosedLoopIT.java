package io.beastmode.topology.insight;

import io.beastmode.analytics.v1.AckStatus;
import io.beastmode.analytics.v1.Anomaly;
import io.beastmode.analytics.v1.OptimizationProposal;
import io.beastmode.analytics.v1.ProposalKind;
import io.beastmode.analytics.v1.ProposalOutcome;
import io.beastmode.analytics.v1.RoutingAck;
import io.beastmode.analytics.v1.WindowMetrics;
import io.beastmode.clients.TopicAdmin;
import io.beastmode.schemas.Topics;
import io.beastmode.serde.BeastSerdes;
import io.beastmode.simulator.GatewaySimulator;
import io.beastmode.simulator.Incident;
import io.beastmode.simulator.SimEvent;
import io.beastmode.simulator.SimulationSummary;
import io.beastmode.simulator.SimulatorOptions;
import io.beastmode.simulator.SimulatorRunner;
import io.beastmode.simulator.TraceData;
import io.beastmode.simulator.TraceFiles;
import io.beastmode.simulator.router.ProposalLoop;
import io.beastmode.analytics.v1.Dimension;
import io.beastmode.stack.BeastTestStack;
import io.beastmode.topology.BeastPipeline;
import io.beastmode.topology.config.PipelineConfig;
import io.beastmode.topology.config.PipelineTopics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole loop on the real broker and registry: the simulator (default incidents: gpt-4 latency x3 at +8..+13 min,
 * mixtral error burst at +16..+20, cache flush at +24..+28) replays ~35 minutes of real traces through the
 * proposal-applying router; the pipeline turns them into metrics, anomalies, proposals and outcomes; the router
 * applies the proposals and acknowledges them, and the pipeline measures what they did.
 *
 * <p>Detector: the robust z-score ({@link InsightConfig#fastWarmup()}), because the default detector needs 70
 * windows before it scores anything and the first incident starts at minute 8. Pacing: the replay runs as fast as
 * the pipeline goes, never more than 3 event minutes ahead of the latest closed ALL window (the router's gate), and
 * the router applies a proposal at the event time it has reached when the proposal arrives. A fixed --speed cannot
 * do this on a loaded machine: the metrics pipeline fell 30 event minutes behind a 40x replay.
 *
 * <p>Not asserted: the REROUTE of conversation to mixtral. On these traces mixtral's conversation quality is 0.920
 * against gpt-4's 0.928 (n = 1047 and 3080 over the first 14 minutes), so the non-inferiority test at the default
 * 0.02 tolerance reaches only p ~ 0.1 before the fallback (minute 11) moves all of gpt-4's traffic; it needs about
 * 25 clean minutes of history. The TTD tests prove the REROUTE and its outcome on hand-made windows.
 */
class ClosedLoopIT {

    private static final long MIN = 60_000L;
    private static final String GPT4 = "gpt-4-1106-preview";
    private static final String MIXTRAL = "mixtral-8x7b-instruct-v0.1";

    @Test
    void fallbackIsProposedAppliedMeasuredAndRolledBackWhenItRegresses() throws Exception {
        String bootstrap = BeastTestStack.bootstrapServers();
        String registry = BeastTestStack.registryUrl();
        String prefix = "loop-" + java.util.UUID.randomUUID().toString().substring(0, 8) + ".";
        try (TopicAdmin admin = TopicAdmin.connect(bootstrap)) {
            admin.ensureTopics(Topics.all(3).stream().map(s -> new Topics.TopicSpec(prefix + s.name(), s.valueType(),
                    s.keyDescription(), s.partitions(), s.configs())).toList());
        }
        PipelineConfig config = PipelineConfig.builder()
                .bootstrapServers(bootstrap).schemaRegistryUrl(registry)
                .applicationId(prefix + "pipeline").stateDir(Files.createTempDirectory("beast-loop"))
                .topics(PipelineTopics.prefixed(prefix)).httpPort(-1)
                .commitInterval(Duration.ofMillis(100))
                .extraStreamsProp(StreamsConfig.InternalConfig.EMIT_INTERVAL_MS_KSTREAMS_WINDOWED_AGGREGATION, "0")
                .grace(Duration.ofMinutes(1))
                // The loop, not exactly-once, is under test here; a transaction every commit would triple the
                // wall time on a small machine.
                .processingGuarantee(StreamsConfig.AT_LEAST_ONCE)
                .build();
        Instant start = Instant.ofEpochMilli((System.currentTimeMillis() - 2 * 3_600_000L) / MIN * MIN);
        SimulatorOptions options = new SimulatorOptions().bootstrapServers(bootstrap).schemaRegistry(registry)
                .topicPrefix(prefix).seed(7).speed(0).start(start).progress(false).partitions(3)
                .createTopics(false).router(SimulatorOptions.ROUTER_PROPOSALS);
        // ~35 simulated minutes by default; -Dloop.minutes=N for a longer look (e.g. at a later REROUTE).
        options.maxEvents(eventsWithin(options, Long.getLong("loop.minutes", 35) * MIN));
        List<Incident> incidents = GatewaySimulator.create(options).incidents();

        ByteArrayOutputStream simLog = new ByteArrayOutputStream();
        try (BeastPipeline pipeline = BeastPipeline.start(config, InsightConfig.fastWarmup())) {
            assertThat(pipeline.insight()).as("insight app started").isNotNull();
            assertThat(pipeline.awaitRunning(Duration.ofSeconds(60))).isTrue();
            awaitRunning(pipeline.insight().streams());
            InsightTopics t = pipeline.insight().topics();
            Collected c = new Collected();
            long[] replayStart = {0L, 0L}; // wall ms, first event time
            AtomicBoolean stop = new AtomicBoolean();
            Thread reader = new Thread(() -> {
                try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrap)) {
                    consumer.subscribe(List.of(t.anomalies(), t.proposals(), t.outcomes(), t.routingAcks(),
                            t.metrics()));
                    var reg = config.serdeConfigMap();
                    var windows = BeastSerdes.specific(WindowMetrics.class, reg, false).deserializer();
                    var anomalies = BeastSerdes.specific(Anomaly.class, reg, false).deserializer();
                    var proposals = BeastSerdes.specific(OptimizationProposal.class, reg, false).deserializer();
                    var outcomes = BeastSerdes.specific(ProposalOutcome.class, reg, false).deserializer();
                    var acks = BeastSerdes.specific(RoutingAck.class, reg, false).deserializer();
                    while (!stop.get()) {
                        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                            String topic = r.topic();
                            synchronized (c) {
                                if (topic.equals(t.metrics())) {
                                    WindowMetrics w = windows.deserialize(topic, r.value());
                                    if (w.getFinal$() && w.getDimension() == Dimension.ALL) {
                                        c.pipelineTime = Math.max(c.pipelineTime, w.getWindowEnd());
                                    }
                                    if (w.getFinal$() && w.getWindowSizeMs() == MIN
                                            && w.getDimensionKey().equals(GPT4) && w.getLatency() != null) {
                                        c.diag.add(String.format("window %s p95 %.0f n %d, at %.1f s",
                                                Instant.ofEpochMilli(w.getWindowStart()), w.getLatency().getP95(),
                                                w.getRequests().getCount(),
                                                (System.currentTimeMillis() - replayStart[0]) / 1e3));
                                    }
                                } else if (topic.equals(t.anomalies())) {
                                    c.anomalies.add(anomalies.deserialize(topic, r.value()));
                                } else if (topic.equals(t.proposals())) {
                                    c.proposals.add(proposals.deserialize(topic, r.value()));
                                } else if (topic.equals(t.outcomes())) {
                                    c.outcomes.add(outcomes.deserialize(topic, r.value()));
                                } else {
                                    c.acks.add(acks.deserialize(topic, r.value()));
                                }
                            }
                        }
                    }
                }
            }, "loop-it-reader");
            // Until the first window closes the pipeline is "at" the replay's start (else the gate would wait for
            // windows that only the gated requests can close).
            c.pipelineTime = start.toEpochMilli();
            replayStart[0] = System.currentTimeMillis();
            replayStart[1] = start.toEpochMilli();
            reader.start();
            PrintStream err = new PrintStream(simLog, true, StandardCharsets.UTF_8);
            SimulationSummary summary;
            try (ProposalLoop loop = ProposalLoop.open(options, err)) {
                // As fast as the pipeline goes: never more than 3 event minutes ahead of its closed windows.
                loop.router().paceBy(c::pipelineTime, 3 * MIN, Duration.ofSeconds(10));
                TraceFiles files = TraceFiles.resolve(options.dataDir());
                summary = new SimulatorRunner(options, err).run(
                        new GatewaySimulator(TraceData.load(files), options, loop.router()), files.description());
                loop.router().actions().forEach(a -> err.println("  router: " + a));
                System.out.println("router gate timeouts: " + loop.router().gateTimeouts());
            }
            assertThat(summary.failed()).isZero();
            System.out.printf("replay: %d events, %s .. %s, %.1f s%n", summary.published().values().stream()
                            .mapToLong(Long::longValue).sum(), summary.firstEventTime(), summary.lastEventTime(),
                    (System.currentTimeMillis() - replayStart[0]) / 1e3);
            long deadline = System.currentTimeMillis() + 60_000;
            while (System.currentTimeMillis() < deadline) {
                synchronized (c) {
                    if (c.complete()) {
                        break;
                    }
                }
                Thread.sleep(200);
            }
            stop.set(true);
            reader.join(10_000);
            System.out.println(simLog.toString(StandardCharsets.UTF_8));
            c.print(incidents);

            Incident degraded = incidents.stream().filter(i -> i.kind() == Incident.Kind.DEGRADED_LATENCY)
                    .findFirst().orElseThrow();
            OptimizationProposal fallback = c.first(ProposalKind.FALLBACK, "MODEL:" + GPT4);
            assertThat(fallback).as("FALLBACK for " + GPT4).isNotNull();
            assertThat(fallback.getParameters()).containsEntry("toModel", MIXTRAL);
            assertThat(fallback.getCreatedAt()).isBetween(degraded.startMs(), degraded.endMs() + 5 * MIN);
            assertThat(c.anomalies).anySatisfy(a -> {
                assertThat(a.getDimensionKey()).isEqualTo(GPT4);
                assertThat(a.getMetric()).startsWith("latency.p9");
                assertThat(a.getObserved()).isGreaterThan(2 * a.getExpected());
                assertThat(a.getWindowStart()).isBetween(degraded.startMs(), degraded.startMs() + 3 * MIN);
            });
            assertThat(c.applied(fallback.getProposalId())).as("router applied the FALLBACK").isTrue();
            assertThat(c.acks).filteredOn(a -> a.getProposalId().equals(fallback.getProposalId())
                    && a.getStatus() == AckStatus.APPLIED)
                    .allSatisfy(a -> assertThat(a.getAt()).isGreaterThanOrEqualTo(fallback.getCreatedAt()));
            ProposalOutcome outcome = c.outcomes.stream()
                    .filter(o -> o.getProposalId().equals(fallback.getProposalId())).findFirst().orElse(null);
            assertThat(outcome).as("the applied FALLBACK is measured").isNotNull();
            assertThat(c.outcomes.stream().filter(o -> o.getProposalId().equals(fallback.getProposalId())))
                    .as("exactly once").hasSize(1);
            assertThat(outcome.getEffects()).extracting(e -> e.getMetric())
                    .contains("latency.p95", "cost.perRequestUsd");
            assertThat(outcome.getAfterStart()).isGreaterThanOrEqualTo(outcome.getAppliedAt());
            if (outcome.getVerdict() == io.beastmode.analytics.v1.OutcomeVerdict.REGRESSED) {
                // The loop closes: a rollback proposal, which the router applies by undoing the fallback.
                assertThat(outcome.getRollbackProposalId()).isNotNull();
                assertThat(c.proposals).anySatisfy(p -> {
                    assertThat(p.getKind()).isEqualTo(ProposalKind.ROLLBACK);
                    assertThat(p.getParameters()).containsEntry("rollbackOf", fallback.getProposalId());
                });
                assertThat(c.acks).anySatisfy(a -> {
                    assertThat(a.getProposalId()).isEqualTo(fallback.getProposalId());
                    assertThat(a.getStatus()).isEqualTo(AckStatus.ROLLED_BACK);
                });
            }
            // Not asserted (see the class comment): a REROUTE of conversation.
            System.out.println("REROUTE of conversation: "
                    + c.first(ProposalKind.REROUTE, "REQUEST_TYPE:conversation"));
        }
    }

    /** Events the simulator emits within the first {@code spanMs} of event time (a dry run, nothing published). */
    private static long eventsWithin(SimulatorOptions options, long spanMs) {
        GatewaySimulator dry = GatewaySimulator.create(options);
        long first = -1;
        long n = 0;
        while (dry.hasNext()) {
            SimEvent e = dry.next();
            if (first < 0) {
                first = e.eventTime();
            }
            if (e.eventTime() - first > spanMs) {
                break;
            }
            n++;
        }
        return n;
    }

    private static void awaitRunning(KafkaStreams streams) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (streams.state() != KafkaStreams.State.RUNNING && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
    }

    private static KafkaConsumer<String, byte[]> consumer(String bootstrap) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "loop-it-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static final class Collected {
        final List<Anomaly> anomalies = new ArrayList<>();
        final List<OptimizationProposal> proposals = new ArrayList<>();
        final List<ProposalOutcome> outcomes = new ArrayList<>();
        final List<RoutingAck> acks = new ArrayList<>();
        final List<String> diag = new ArrayList<>();
        volatile long pipelineTime = Long.MIN_VALUE;

        long pipelineTime() {
            return pipelineTime;
        }

        OptimizationProposal first(ProposalKind kind, String target) {
            return proposals.stream().filter(p -> p.getKind() == kind
                    && (p.getTarget().getType() + ":" + p.getTarget().getKey()).equals(target)
                    && p.getAction().equals(kind == ProposalKind.FALLBACK ? "fallback" : p.getAction()))
                    .findFirst().orElse(null);
        }

        boolean applied(String id) {
            return acks.stream().anyMatch(a -> a.getProposalId().equals(id) && a.getStatus() == AckStatus.APPLIED);
        }

        /** The fallback proposed, applied and measured (and, if it regressed, rolled back). */
        boolean complete() {
            OptimizationProposal f = first(ProposalKind.FALLBACK, "MODEL:" + GPT4);
            if (f == null || !applied(f.getProposalId())) {
                return false;
            }
            return outcomes.stream().anyMatch(o -> o.getProposalId().equals(f.getProposalId())
                    && (o.getRollbackProposalId() == null || acks.stream().anyMatch(a -> a.getProposalId()
                    .equals(f.getProposalId()) && a.getStatus() == AckStatus.ROLLED_BACK)));
        }

        void print(List<Incident> incidents) {
            incidents.forEach(i -> System.out.println("incident " + i));
            diag.forEach(d -> System.out.println("  gpt-4 " + d));
            System.out.printf("%d anomalies, %d proposal records, %d acks, %d outcomes%n", anomalies.size(),
                    proposals.size(), acks.size(), outcomes.size());
            anomalies.forEach(a -> System.out.printf("  anomaly %s %s|%s %s observed %.4g expected %.4g score %.3f %s%n",
                    Instant.ofEpochMilli(a.getWindowStart()), a.getDimension(), a.getDimensionKey(), a.getMetric(),
                    a.getObserved(), a.getExpected(), a.getScore(), a.getSeverity()));
            proposals.forEach(p -> System.out.printf("  proposal %s %s %s:%s %s %s p=%.3g %s%n",
                    Instant.ofEpochMilli(p.getCreatedAt()), p.getKind(), p.getTarget().getType(),
                    p.getTarget().getKey(), p.getAction(), p.getStatus(), p.getConfidence().getPValue(),
                    p.getParameters()));
            acks.forEach(a -> System.out.printf("  ack %s %s %s share %s%n", Instant.ofEpochMilli(a.getAt()),
                    a.getProposalId(), a.getStatus(), a.getRolloutShare()));
            outcomes.forEach(o -> {
                System.out.printf("  outcome %s %s %s:%s %s%n", o.getProposalId(), o.getKind(),
                        o.getTarget().getType(), o.getTarget().getKey(), o.getVerdict());
                o.getEffects().forEach(e -> System.out.printf("    %s before %.4g after %.4g (%+.1f%%) p=%.3g %s%n",
                        e.getMetric(), e.getBefore(), e.getAfter(), 100 * e.getRelativeDelta(), e.getPValue(),
                        e.getTest()));
            });
        }
    }
}
