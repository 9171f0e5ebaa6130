package io.beastmode.proposals;

import io.beastmode.processors.metrics.MetricsSnapshot;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Closes the loop: follows proposals through the router's acks and emits exactly one {@link ProposalOutcome} per
 * applied proposal, once {@code windows} windows of the target have closed after its full rollout (or, if the target
 * goes quiet, once that span of event time has passed: then with what exists, usually INCONCLUSIVE).
 *
 * <p>Before = the last {@code windows} windows of the target's series ending at or before the first APPLIED ack
 * (windows that close late still count); after = the first {@code windows} windows starting at or after the ack that
 * brought the rollout to its full share (an APPLIED ack with a null share, or one at least the plan's full share). The
 * canary stage in between is measured by neither side. The series measured: REQUEST_TYPE for request-type targets,
 * TENANT, the CACHE_TIER_NAMESPACE of a cache target, and for a model target its primary request type (a fallback
 * empties the model's own series) or the model's series when none is named.
 *
 * <p>Pure and deterministic like the engine; state to bytes with {@link #toBytes()}. Not thread-safe.
 */
public final class OutcomeTracker {

    private static final byte FORMAT_V1 = 1;
    /** V1 plus, per tracked proposal, the windows a ROLLBACK restores. */
    private static final byte FORMAT_V2 = 2;
    /** The core part of {@link #drainChanges()}: V2 without the history's per-series windows. */
    private static final byte FORMAT_CORE = 3;
    /** Outcome ids are remembered this long, so a replayed or duplicate APPLIED ack cannot emit a second outcome. */
    static final long DONE_RETENTION_MS = 7 * 24 * ProposalConfig.HOUR;
    private static final double SHARE_EPSILON = 1e-9;

    /** A proposal followed through its acks. Times are Long.MIN_VALUE until set. */
    private static final class Tracked {
        Proposal proposal;
        long appliedAt = Long.MIN_VALUE;
        long fullAt = Long.MIN_VALUE;
        final List<MetricsSnapshot> before = new ArrayList<>();
        final List<MetricsSnapshot> after = new ArrayList<>();
        /** For a ROLLBACK: the 'before' windows of the proposal it undoes, the state it restores. */
        final List<MetricsSnapshot> restores = new ArrayList<>();

        boolean applied() {
            return appliedAt != Long.MIN_VALUE;
        }

        boolean full() {
            return fullAt != Long.MIN_VALUE;
        }
    }

    private final ProposalConfig config;
    private final OutcomeEvaluator evaluator;
    private final EvidenceStore history; // recent windows of every series, for 'before' spans and model costs
    private final TreeMap<String, Tracked> tracked = new TreeMap<>();
    private final TreeMap<String, Long> done = new TreeMap<>(); // proposal id -> evaluatedAt
    private long now = Long.MIN_VALUE;

    public OutcomeTracker(ProposalConfig config) {
        this(config, new EvidenceStore(Math.max(2, config.outcome().windows())));
    }

    private OutcomeTracker(ProposalConfig config, EvidenceStore history) {
        this.config = config;
        this.evaluator = new OutcomeEvaluator(config);
        this.history = history;
    }

    /** Every proposal the engine emits (or a ROLLBACK the tracker emitted), so later acks can be measured. */
    public void onProposal(Proposal p) {
        if (done.containsKey(p.proposalId())) {
            return;
        }
        Tracked t = tracked.get(p.proposalId());
        boolean live = p.status() == ProposalStatus.OPEN || p.status() == ProposalStatus.LIFTED;
        if (t == null) {
            if (live) {
                t = new Tracked();
                t.proposal = p;
                tracked.put(p.proposalId(), t);
            }
        } else if (!live && !t.applied()) {
            tracked.remove(p.proposalId()); // superseded or expired before the router applied it
        }
    }

    public List<ProposalOutcome> onAck(RoutingAck ack) {
        Tracked t = tracked.get(ack.proposalId());
        if (t == null) {
            return List.of();
        }
        switch (ack.status()) {
            case ACCEPTED -> {
            }
            case REJECTED, ROLLED_BACK -> tracked.remove(ack.proposalId());
            case APPLIED -> {
                if (!t.applied()) {
                    t.appliedAt = ack.at();
                    SeriesKey series = seriesOf(t.proposal);
                    for (MetricsSnapshot w : history.windows(series.dimension(), series.key())) {
                        addBefore(t, w);
                    }
                }
                boolean full = ack.rolloutShare() == null
                        || ack.rolloutShare() + SHARE_EPSILON >= t.proposal.rollout().fullShare();
                if (full && !t.full()) {
                    t.fullAt = ack.at();
                }
            }
            default -> throw new IllegalStateException("unknown ack status " + ack.status());
        }
        return advance(ack.at());
    }

    public List<ProposalOutcome> onWindow(Dimension dimension, String key, MetricsSnapshot snapshot) {
        if (config.windowSizeMs() > 0 && snapshot.windowSizeMs() != config.windowSizeMs()) {
            return List.of();
        }
        MetricsSnapshot trimmed = StateCodec.trim(snapshot);
        history.addWindow(dimension, key, trimmed);
        SeriesKey series = new SeriesKey(dimension, key);
        for (Tracked t : tracked.values()) {
            if (!t.applied() || !seriesOf(t.proposal).equals(series)) {
                continue;
            }
            if (trimmed.windowEndMs() <= t.appliedAt) {
                addBefore(t, trimmed);
            } else if (t.full() && trimmed.windowStartMs() >= t.fullAt) {
                replaceOrAdd(t.after, trimmed);
            }
        }
        return advance(snapshot.windowEndMs());
    }

    public List<ProposalOutcome> onTime(long eventTimeMs) {
        return advance(eventTimeMs);
    }

    /** Proposals applied and not yet measured. */
    public List<String> pending() {
        return tracked.entrySet().stream().filter(e -> e.getValue().applied()).map(Map.Entry::getKey).toList();
    }

    private void addBefore(Tracked t, MetricsSnapshot w) {
        if (w.windowEndMs() > t.appliedAt) {
            return;
        }
        replaceOrAdd(t.before, w);
        while (t.before.size() > config.outcome().windows()) {
            t.before.remove(0);
        }
    }

    private static void replaceOrAdd(List<MetricsSnapshot> list, MetricsSnapshot w) {
        list.removeIf(x -> x.windowStartMs() == w.windowStartMs());
        list.add(w);
        list.sort(Comparator.comparingLong(MetricsSnapshot::windowStartMs));
    }

    private List<ProposalOutcome> advance(long eventTimeMs) {
        now = Math.max(now, eventTimeMs);
        int n = config.outcome().windows();
        long span = n * (config.windowSizeMs() > 0 ? config.windowSizeMs() : ProposalConfig.MINUTE);
        List<ProposalOutcome> out = new ArrayList<>();
        List<Tracked> rollbacks = new ArrayList<>();
        var it = tracked.entrySet().iterator();
        while (it.hasNext()) {
            Tracked t = it.next().getValue();
            if (!t.full()) {
                continue;
            }
            // Quiet targets: after the span plus one window of lateness, measure what came.
            boolean timedOut = now >= t.fullAt + span + span / n;
            if (t.after.size() < n && !timedOut) {
                continue;
            }
            List<MetricsSnapshot> after = t.after.subList(0, Math.min(n, t.after.size()));
            long evaluatedAt = after.size() == n ? after.get(n - 1).windowEndMs() : now;
            ProposalOutcome outcome = evaluator.evaluate(t.proposal, t.appliedAt, List.copyOf(t.before),
                    List.copyOf(after), List.copyOf(t.restores), modelCosts(), evaluatedAt);
            out.add(outcome);
            done.put(t.proposal.proposalId(), evaluatedAt);
            it.remove();
            if (outcome.rollback() != null) {
                rollbacks.add(new Tracked());
                rollbacks.get(rollbacks.size() - 1).proposal = outcome.rollback();
                rollbacks.get(rollbacks.size() - 1).restores.addAll(t.before);
            }
        }
        // A rollback is a change too, and gets its own outcome, judged against the windows it restores.
        for (Tracked r : rollbacks) {
            if (!done.containsKey(r.proposal.proposalId())) {
                tracked.put(r.proposal.proposalId(), r);
            }
        }
        done.values().removeIf(at -> now - at > DONE_RETENTION_MS);
        return out;
    }

    private Map<String, Double> modelCosts() {
        TreeMap<String, Double> costs = new TreeMap<>();
        for (String model : history.keys(Dimension.MODEL)) {
            Double c = Windows.costPerRequest(history.windows(Dimension.MODEL, model));
            if (c != null) {
                costs.put(model, c);
            }
        }
        return costs;
    }

    /** The series whose windows measure a proposal. */
    static SeriesKey seriesOf(Proposal p) {
        Target t = p.target();
        return switch (t.type()) {
            case REQUEST_TYPE -> new SeriesKey(Dimension.REQUEST_TYPE, t.key());
            case TENANT -> new SeriesKey(Dimension.TENANT, t.key());
            case CACHE_NAMESPACE -> {
                int slash = t.key().indexOf('/');
                yield new SeriesKey(Dimension.CACHE_TIER_NAMESPACE,
                        slash < 0 ? t.key() : t.key().substring(0, slash) + "|" + t.key().substring(slash + 1));
            }
            case MODEL -> p.parameter("primaryRequestType") != null
                    ? new SeriesKey(Dimension.REQUEST_TYPE, p.parameter("primaryRequestType"))
                    : new SeriesKey(Dimension.MODEL, t.key());
        };
    }

    // ---- state ----

    public byte[] toBytes() {
        return StateCodec.encode(FORMAT_V2, out -> {
            out.writeLong(now);
            history.write(out);
            writeTracked(out);
        });
    }

    /** Like {@link ProposalEngine#drainChanges()}: the core, and the history series changed since the last drain. */
    public StateParts drainChanges() {
        byte[] core = StateCodec.encode(FORMAT_CORE, out -> {
            out.writeLong(now);
            history.writeCore(out);
            writeTracked(out);
        });
        return new StateParts(core, history.drainSeriesParts());
    }

    /** Restores a tracker from {@link #drainChanges()} parts (all series parts present, none null). */
    public static OutcomeTracker fromParts(ProposalConfig config, byte[] core, Map<String, byte[]> series) {
        OutcomeTracker tracker = StateCodec.decode(core, FORMAT_CORE, "OutcomeTracker core", in -> {
            OutcomeTracker t = new OutcomeTracker(config, new EvidenceStore(Math.max(2, config.outcome().windows())));
            t.now = in.readLong();
            t.history.readCore(in);
            t.readTracked(in, FORMAT_V2);
            return t;
        });
        tracker.history.putSeriesParts(series);
        return tracker;
    }

    public static OutcomeTracker fromBytes(ProposalConfig config, byte[] bytes) {
        byte format = bytes.length > 0 && bytes[0] == FORMAT_V1 ? FORMAT_V1 : FORMAT_V2;
        return StateCodec.decode(bytes, format, "OutcomeTracker", in -> {
            long now = in.readLong();
            OutcomeTracker tracker = new OutcomeTracker(config,
                    EvidenceStore.read(in, Math.max(2, config.outcome().windows())));
            tracker.now = now;
            tracker.readTracked(in, format);
            return tracker;
        });
    }

    private void writeTracked(DataOutputStream out) throws IOException {
        out.writeInt(tracked.size());
        for (Tracked t : tracked.values()) {
            StateCodec.writeProposal(out, t.proposal);
            out.writeLong(t.appliedAt);
            out.writeLong(t.fullAt);
            StateCodec.writeSnapshots(out, t.before);
            StateCodec.writeSnapshots(out, t.after);
            StateCodec.writeSnapshots(out, t.restores);
        }
        out.writeInt(done.size());
        for (Map.Entry<String, Long> e : done.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeLong(e.getValue());
        }
    }

    private void readTracked(DataInputStream in, byte format) throws IOException {
        int n = StateCodec.readSize(in);
        for (int i = 0; i < n; i++) {
            Tracked t = new Tracked();
            t.proposal = StateCodec.readProposal(in);
            t.appliedAt = in.readLong();
            t.fullAt = in.readLong();
            t.before.addAll(StateCodec.readSnapshots(in));
            t.after.addAll(StateCodec.readSnapshots(in));
            if (format == FORMAT_V2) {
                t.restores.addAll(StateCodec.readSnapshots(in));
            }
            tracked.put(t.proposal.proposalId(), t);
        }
        n = StateCodec.readSize(in);
        for (int i = 0; i < n; i++) {
            done.put(in.readUTF(), in.readLong());
        }
    }

}
