package io.beastmode.topology.insight;

import io.beastmode.analytics.v1.Dimension;
import io.beastmode.analytics.v1.WindowMetrics;
import io.beastmode.detectors.AlertConfirmation;
import io.beastmode.detectors.DetectionResult;
import io.beastmode.detectors.Detectors;
import io.beastmode.detectors.StreamingDetector;
import io.beastmode.processors.metrics.MetricsSnapshot;
import io.beastmode.proposals.AnomalySignal;
import io.beastmode.proposals.OutcomeTracker;
import io.beastmode.proposals.Proposal;
import io.beastmode.proposals.ProposalEngine;
import io.beastmode.proposals.ProposalOutcome;
import io.beastmode.proposals.RoutingAck;
import io.beastmode.proposals.StateParts;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * The whole insight step, in the one task that reads partition 0 of the final-metrics topic and of the acks'
 * one-partition repartition topic: per-series anomaly detection, the proposal engine and the outcome tracker. One
 * instance sees every series, which the engine needs (a REROUTE compares models
 * of a request type, a FALLBACK picks the next best model among all).
 *
 * <p>State, all as bytes in persistent key-value stores, written after every input so the changelog always matches
 * the committed offsets: {@link #DETECTORS} holds one detector per series key {@code DIM|key|metric}, prefixed by one
 * byte of flags: whether the series is flagged anomalous (so a recovery can be signalled when it is healthy again) and
 * whether a candidate window awaits confirmation, whose {@link AlertConfirmation.Candidate} then follows;
 * {@link #ENGINE} holds the engine and the tracker, each in parts: a core under {@code engine.core} /
 * {@code tracker.core} and each series' window history under {@code engine.series.DIM|key} / {@code tracker.series.*};
 * only the parts an input changed are written. Both are decoded once per task and kept in memory (this processor is
 * the only writer), and decoded again after {@code init}.
 *
 * <p>Outputs are the Avro records: {@code Anomaly} keyed {@code DIM|key|metric}, {@code OptimizationProposal} keyed
 * by its target {@code TYPE:key}, {@code ProposalOutcome} keyed by proposal id.
 */
final class InsightProcessor implements Processor<String, InsightInput, String, SpecificRecord> {

    static final String DETECTORS = "insight-detectors";
    static final String ENGINE = "insight-engine";
    /**
     * Names of the engine's and the tracker's state: each is stored in parts, {@code <name>.core} and one
     * {@code <name>.series.DIM|key} per series ({@link StateParts}); versions before that stored one blob under the
     * bare name, which is read once and then replaced by parts.
     */
    static final String ENGINE_KEY = "engine";
    static final String CORE_SUFFIX = ".core";
    static final String SERIES_INFIX = ".series.";
    static final String TRACKER_KEY = "tracker";
    /** Flag bits of a series' stored state: an alert is open; a flagged window awaits confirmation. */
    private static final byte FLAGGED = 1;
    private static final byte PENDING = 2;

    private final InsightConfig config;
    private final LongSupplier clock;
    private final double threshold;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, byte[]> detectors;
    private KeyValueStore<String, byte[]> engineStore;
    private ProposalEngine engine;
    private OutcomeTracker tracker;
    private boolean legacyBlobs;

    InsightProcessor(InsightConfig config, LongSupplier clock) {
        this.config = config;
        this.clock = clock;
        this.threshold = config.detector().alertThreshold();
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.detectors = context.getStateStore(DETECTORS);
        this.engineStore = context.getStateStore(ENGINE);
        // Kafka Streams revives a corrupted task (an aborted transaction under exactly-once) by restoring its stores
        // and calling init again on the same processor: what was decoded before may hold the aborted records.
        forget();
    }

    @Override
    public void close() {
        forget();
    }

    private void forget() {
        engine = null;
        tracker = null;
        legacyBlobs = false;
    }

    /** Decoded on first use rather than in init, so whatever the store holds when processing starts is used. */
    private void load() {
        if (engine != null) {
            return;
        }
        StateParts e = readParts(ENGINE_KEY);
        StateParts t = readParts(TRACKER_KEY);
        byte[] engineBlob = engineStore.get(ENGINE_KEY);
        byte[] trackerBlob = engineStore.get(TRACKER_KEY);
        // From a blob (an older version's layout) every series counts as changed, so the first write moves them
        // all into parts.
        engine = e != null ? ProposalEngine.fromParts(config.proposals(), e.core(), e.series())
                : engineBlob != null ? ProposalEngine.fromBytes(config.proposals(), engineBlob)
                : new ProposalEngine(config.proposals());
        tracker = t != null ? OutcomeTracker.fromParts(config.proposals(), t.core(), t.series())
                : trackerBlob != null ? OutcomeTracker.fromBytes(config.proposals(), trackerBlob)
                : new OutcomeTracker(config.proposals());
        legacyBlobs = engineBlob != null || trackerBlob != null;
    }

    /** The parts stored under {@code name.core} and {@code name.series.*}, or null when there is no core. */
    private StateParts readParts(String name) {
        byte[] core = engineStore.get(name + CORE_SUFFIX);
        if (core == null) {
            return null;
        }
        String prefix = name + SERIES_INFIX;
        Map<String, byte[]> series = new TreeMap<>();
        try (KeyValueIterator<String, byte[]> it = engineStore.prefixScan(prefix, new StringSerializer())) {
            it.forEachRemaining(kv -> series.put(kv.key.substring(prefix.length()), kv.value));
        }
        return new StateParts(core, series);
    }

    /** Writes what changed since the last write: the core and the changed series (null: deleted). */
    private void writeParts(String name, StateParts changes) {
        engineStore.put(name + CORE_SUFFIX, changes.core());
        changes.series().forEach((k, v) -> {
            if (v == null) {
                engineStore.delete(name + SERIES_INFIX + k);
            } else {
                engineStore.put(name + SERIES_INFIX + k, v);
            }
        });
    }

    @Override
    public void process(Record<String, InsightInput> record) {
        load();
        InsightInput in = record.value();
        if (in == null) {
            return;
        }
        long ts = record.timestamp();
        List<Proposal> proposals = new ArrayList<>();
        List<ProposalOutcome> outcomes = new ArrayList<>();
        if (in.window() != null) {
            onWindow(in.window(), ts, proposals, outcomes);
        } else {
            RoutingAck ack = InsightMapper.ack(in.ack());
            proposals.addAll(engine.onAck(ack));
            proposals.forEach(tracker::onProposal);
            outcomes.addAll(tracker.onAck(ack));
        }
        for (Proposal p : proposals) {
            // When it was decided (wall clock): readable minus this is what the commit adds (bench latency).
            Headers headers = new RecordHeaders().add(InsightTopology.DECIDED_AT_HEADER,
                    Long.toString(clock.getAsLong()).getBytes(StandardCharsets.UTF_8));
            context.forward(new Record<>(p.target().toString(), InsightMapper.proposal(p), ts, headers));
        }
        if (!proposals.isEmpty()) {
            // The router acts on a proposal once it is committed: ask for the commit now instead of waiting out the
            // rest of the commit interval (proposals are rare, so this adds few commits).
            context.commit();
        }
        for (ProposalOutcome o : outcomes) {
            context.forward(new Record<>(o.proposalId(), InsightMapper.outcome(o), ts));
            if (o.rollback() != null) { // the tracker already follows it; the router needs to see it
                context.forward(new Record<>(o.rollback().target().toString(),
                        InsightMapper.proposal(o.rollback()), ts));
            }
        }
        // Only what changed: serializing the engine's and the tracker's whole state (every series' history) after
        // each record was most of this step's time (JMH: LoopBenchmarks.stateWrite*).
        writeParts(ENGINE_KEY, engine.drainChanges());
        writeParts(TRACKER_KEY, tracker.drainChanges());
        if (legacyBlobs) {
            engineStore.delete(ENGINE_KEY);
            engineStore.delete(TRACKER_KEY);
            legacyBlobs = false;
        }
    }

    private void onWindow(WindowMetrics w, long ts, List<Proposal> proposals, List<ProposalOutcome> outcomes) {
        MetricsSnapshot snapshot = WindowMetricsReader.toSnapshot(w);
        Dimension dimension = w.getDimension();
        String key = w.getDimensionKey();
        io.beastmode.proposals.Dimension dim = InsightMapper.dimension(dimension);
        // The window first: the engine's confirmation tests then see the anomalous window itself.
        proposals.addAll(engine.onWindow(dim, key, snapshot));
        outcomes.addAll(tracker.onWindow(dim, key, snapshot));
        if (config.detectedDimensions().contains(dimension)) {
            for (Map.Entry<String, Double> m : SeriesMetrics.of(snapshot).entrySet()) {
                AnomalySignal signal = detect(dimension, key, m.getKey(), m.getValue(), snapshot, ts);
                if (signal != null) {
                    proposals.addAll(signal.anomalous() ? engine.onAnomaly(signal) : engine.onRecovery(signal));
                }
            }
        }
        proposals.forEach(tracker::onProposal);
    }

    /**
     * Scores one value of one series; forwards an Anomaly when it is one (with confirmation on: when this window
     * confirms the series' flagged previous one). Returns the engine's signal, if any.
     */
    private AnomalySignal detect(Dimension dimension, String key, String metric, double value,
                                 MetricsSnapshot s, long ts) {
        String seriesKey = InsightMapper.anomalyKey(dimension, key, metric);
        byte[] stored = detectors.get(seriesKey);
        byte flags = stored == null ? 0 : stored[0];
        boolean flagged = (flags & FLAGGED) != 0;
        ByteBuffer in = stored == null ? null : ByteBuffer.wrap(stored, 1, stored.length - 1);
        AlertConfirmation.Candidate pending = (flags & PENDING) != 0 ? AlertConfirmation.Candidate.fromBytes(in) : null;
        StreamingDetector detector = stored == null ? Detectors.create(config.detector())
                : Detectors.fromBytes(java.util.Arrays.copyOfRange(stored, in.position(), stored.length));
        DetectionResult r = detector.update(s.windowEndMs(), value);
        io.beastmode.proposals.Dimension dim = InsightMapper.dimension(dimension);
        boolean candidate = r.isAnomaly(threshold) && SeriesMetrics.enoughEvents(metric, value, s, r.expected());
        DetectionResult alert = null;
        if (pending != null && pending.confirmedBy(s.windowStartMs(), value, SeriesMetrics.direction(metric))
                && SeriesMetrics.enoughEvents(metric, value, s, pending.expected())) {
            // Reported on the confirming window, with the candidate's baseline and score (the detector may be
            // suppressing repeat alerts now, which caps this window's own score).
            alert = new DetectionResult(s.windowEndMs(), value, pending.expected(), Math.max(pending.score(),
                    r.score()), r.detector());
            pending = null;
        } else {
            pending = null;
            if (candidate && config.confirmAlerts()) {
                pending = new AlertConfirmation.Candidate(s.windowStartMs(), s.windowEndMs(), value, r.expected(),
                        r.score());
            } else if (candidate) {
                alert = r;
            }
        }
        AnomalySignal signal = null;
        if (alert != null) {
            context.forward(new Record<>(seriesKey, InsightMapper.anomaly(dimension, key, metric, s.windowStartMs(),
                    s.windowEndMs(), alert, threshold, clock.getAsLong()), ts));
            signal = AnomalySignal.anomaly(dim, key, metric, s.windowStartMs(), s.windowEndMs(), alert.observed(),
                    alert.expected(), alert.score());
            flagged = true;
        } else if (flagged && pending == null && r.score() < threshold / 2) {
            // Below half the threshold: a detector that suppresses repeat alerts caps scores just under the
            // threshold while the incident lasts, so only a clearly low score means healthy again.
            signal = AnomalySignal.recovery(dim, key, metric, s.windowStartMs(), s.windowEndMs(), r.observed(),
                    r.expected());
            flagged = false;
        }
        byte[] state = detector.toBytes();
        byte[] candidateBytes = pending == null ? new byte[0] : pending.toBytes();
        ByteBuffer out = ByteBuffer.allocate(1 + candidateBytes.length + state.length);
        out.put((byte) ((flagged ? FLAGGED : 0) | (pending != null ? PENDING : 0))).put(candidateBytes).put(state);
        detectors.put(seriesKey, out.array());
        return signal;
    }
}
