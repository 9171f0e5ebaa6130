package io.beastmode.topology.insight;

import io.beastmode.analytics.v1.AckStatus;
import io.beastmode.analytics.v1.Effect;
import io.beastmode.analytics.v1.OutcomeVerdict;
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
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole loop on the real broker and registry, with the pipeline's defaults (exactly_once_v2, the NAB-calibrated
 * default detector and threshold): the simulator replays real traces through the proposal-applying router; the
 * pipeline turns them into metrics, anomalies, proposals and outcomes; the router applies the proposals (canary, then
 * full) and acknowledges them, and the pipeline measures what they did.
 *
 * <ul>
 * <li>A cheaper model of equal quality: on {@code conversation} (RouteLLM MMLU marketing, politics, religions: GPT-4
 * 92.5%, Mixtral 92.8% on the same questions) the static router sends 75% to GPT-4. The REROUTE to Mixtral must be
 * proposed (non-inferiority at the 0.02 margin), applied by the router (10% canary for 30 minutes, then all), and its
 * outcome must show the cost per request down with the quality within the tolerance.</li>
 * <li>An injected degraded model: GPT-4's latency x3 from {@link #INCIDENT_AT} for {@link #INCIDENT_MINUTES}
 * minutes. The default detector scores a series only after 70 windows (20 of history, 50 of past deviations), so the
 * incident starts after that warm-up. The anomaly must come within 3 windows of its start, the FALLBACK be applied,
 * and its outcome show the p95 back near its pre-incident baseline.</li>
 * </ul>
 * Only this one incident: the simulator's error burst and cache flush are judged by {@link IncidentDetectionTest}
 * (no broker), and here they would land inside the outcome spans and blur the two measured effects.
 *
 * <p>Pacing: the replay runs as fast as the pipeline goes, never more than 3 event minutes ahead of the latest closed
 * ALL window (the router's gate), and the router applies a proposal at the event time it has reached when the proposal
 * arrives. A fixed --speed cannot do this on a loaded machine.
 */
class ClosedLoopIT {

    private static final long MIN = 60_000L;
    private static final String GPT4 = "gpt-4-1106-preview";
    private static final String MIXTRAL = "mixtral-8x7b-instruct-v0.1";
    /** After the default detector's 70-window warm-up. */
    static final long INCIDENT_AT = IncidentDetectionTest.WARMUP_MINUTES + 2;
    static final long INCIDENT_MINUTES = 5;

    @Test
    void rerouteAndFallbackAreProposedAppliedAndMeasured() throws Exception {
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
                .build();
        assertThat(config.processingGuarantee()).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
        Instant start = Instant.ofEpochMilli((System.currentTimeMillis() - 3 * 3_600_000L) / MIN * MIN);
        SimulatorOptions options = new SimulatorOptions().bootstrapServers(bootstrap).schemaRegistry(registry)
                .topicPrefix(prefix).seed(7).speed(0).start(start).progress(false).partitions(3)
                .createTopics(false).router(SimulatorOptions.ROUTER_PROPOSALS)
                .incidents(List.of(new Incident.Spec(Incident.Kind.DEGRADED_LATENCY, GPT4,
                        Duration.ofMinutes(INCIDENT_AT), Duration.ofMinutes(INCIDENT_MINUTES), 3.0)));
        // The fallback's outcome needs 10 windows after it (and the grace) ; -Dloop.minutes=N for a longer look.
        options.maxEvents(eventsWithin(options, Long.getLong("loop.minutes", INCIDENT_AT + 20) * MIN));
        List<Incident> incidents = GatewaySimulator.create(options).incidents();

        ByteArrayOutputStream simLog = new ByteArrayOutputStream();
        try (BeastPipeline pipeline = BeastPipeline.start(config, InsightConfig.defaults())) {
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
                            t.finalMetrics()));
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
                                if (topic.equals(t.finalMetrics())) {
                                    WindowMetrics w = windows.deserialize(topic, r.value());
                                    if (w.getFinal$() && w.getDimension() == Dimension.ALL) {
                                        c.pipelineTime = Math.max(c.pipelineTime, w.getWindowEnd());
                                    }
                                    if (w.getFinal$() && w.getWindowSizeMs() == MIN
                                            && w.getDimension() == Dimension.REQUEST_TYPE && w.getLatency() != null) {
                                        c.typeP95.computeIfAbsent(w.getDimensionKey(), k -> new TreeMap<>())
                                                .put(w.getWindowStart(), w.getLatency().getP95());
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

            // REROUTE: proposed on evidence, applied canary then full, measured: cost down, quality within tolerance.
            OptimizationProposal reroute = c.first(ProposalKind.REROUTE, "REQUEST_TYPE:conversation");
            assertThat(reroute).as("REROUTE of conversation").isNotNull();
            assertThat(reroute.getParameters()).containsEntry("fromModel", GPT4).containsEntry("toModel", MIXTRAL);
            assertThat(reroute.getConfidence().getPValue()).isLessThan(0.05);
            assertThat(c.acks).filteredOn(a -> a.getProposalId().equals(reroute.getProposalId())
                    && a.getStatus() == AckStatus.APPLIED).extracting(RoutingAck::getRolloutShare)
                    .as("canary, then full").contains(0.1, 1.0);
            ProposalOutcome rerouted = c.outcome(reroute.getProposalId());
            assertThat(rerouted).as("the applied REROUTE is measured").isNotNull();
            assertThat(rerouted.getVerdict()).isEqualTo(OutcomeVerdict.IMPROVED);
            Effect cost = effect(rerouted, "cost.perRequestUsd");
            assertThat(cost.getAfter()).as("cost per request down").isLessThan(0.8 * cost.getBefore());
            assertThat(cost.getPValue()).isLessThan(0.05);
            Effect quality = effect(rerouted, "selection.quality");
            assertThat(quality.getAfter()).as("quality within the 0.02 tolerance")
                    .isGreaterThan(quality.getBefore() - 0.02);

            // FALLBACK: the degraded model is detected within 3 windows, moved away, and the p95 comes back.
            assertThat(c.anomalies).anySatisfy(a -> {
                assertThat(a.getDimensionKey()).isEqualTo(GPT4);
                assertThat(a.getMetric()).startsWith("latency.p9");
                assertThat(a.getObserved()).isGreaterThan(2 * a.getExpected());
                assertThat(a.getWindowStart()).isBetween(degraded.startMs(), degraded.startMs() + 2 * MIN);
            });
            OptimizationProposal fallback = c.first(ProposalKind.FALLBACK, "MODEL:" + GPT4);
            assertThat(fallback).as("FALLBACK for " + GPT4).isNotNull();
            assertThat(fallback.getParameters()).containsEntry("toModel", MIXTRAL);
            assertThat(fallback.getCreatedAt()).isBetween(degraded.startMs(), degraded.startMs() + 4 * MIN);
            assertThat(c.applied(fallback.getProposalId())).as("router applied the FALLBACK").isTrue();
            ProposalOutcome fellBack = c.outcome(fallback.getProposalId());
            assertThat(fellBack).as("the applied FALLBACK is measured").isNotNull();
            assertThat(c.outcomes.stream().filter(o -> o.getProposalId().equals(fallback.getProposalId())))
                    .as("exactly once").hasSize(1);
            assertThat(fellBack.getAfterStart()).isGreaterThanOrEqualTo(fellBack.getAppliedAt());
            String series = fallback.getParameters().get("primaryRequestType");
            TreeMap<Long, Double> p95 = c.typeP95.get(series);
            double baseline = median(p95.subMap(degraded.startMs() - 10 * MIN, degraded.startMs()).values());
            double degradedP95 = median(p95.subMap(degraded.startMs(), fallback.getCreatedAt()).values());
            Effect latency = effect(fellBack, "latency.p95");
            System.out.printf("%s p95: baseline %.0f ms, degraded %.0f ms, after the fallback %.0f ms%n", series,
                    baseline, degradedP95, latency.getAfter());
            assertThat(degradedP95).as("the incident is visible on " + series).isGreaterThan(1.5 * baseline);
            assertThat(latency.getAfter()).as("p95 back near its baseline").isLessThan(1.25 * baseline);
            // Not asserted: the verdict. The fallback moves long-context to Mixtral, 15 points worse than GPT-4 on its
            // RouteLLM questions, so the outcome (rightly) reports the quality drop as a regression and proposes the
            // rollback, by which time GPT-4 is healthy again (run of 26 Nov: quality 0.748 -> 0.600, REGRESSED).
            System.out.println("FALLBACK outcome: " + fellBack.getVerdict());
            if (fellBack.getVerdict() == OutcomeVerdict.REGRESSED) {
                assertThat(fellBack.getRollbackProposalId()).as("a regression yields a rollback").isNotNull();
            }
        }
    }

    private static Effect effect(ProposalOutcome o, String metric) {
        return o.getEffects().stream().filter(e -> e.getMetric().equals(metric)).findFirst()
                .orElseThrow(() -> new AssertionError(metric + " not measured in " + o));
    }

    private static double median(java.util.Collection<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        assertThat(v).as("windows to take a median of").isNotEmpty();
        return v[(v.length - 1) / 2];
    }

    /** Events the simulator emits within the first {@code spanMs} of event time (a dry run, nothing published). */
    private static long eventsWithin(SimulatorOptions options, long spanMs) {
        options.maxEvents(Long.MAX_VALUE); // without a limit the simulator makes one pass of the trace (~59 minutes)
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
        final Map<String, TreeMap<Long, Double>> typeP95 = new java.util.HashMap<>();
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

        ProposalOutcome outcome(String proposalId) {
            return outcomes.stream().filter(o -> o.getProposalId().equals(proposalId)).findFirst().orElse(null);
        }

        /** The reroute and the fallback proposed, applied and measured. */
        boolean complete() {
            OptimizationProposal f = first(ProposalKind.FALLBACK, "MODEL:" + GPT4);
            OptimizationProposal r = first(ProposalKind.REROUTE, "REQUEST_TYPE:conversation");
            return f != null && r != null && outcome(f.getProposalId()) != null && outcome(r.getProposalId()) != null;
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
