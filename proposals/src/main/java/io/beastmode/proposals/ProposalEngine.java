package io.beastmode.proposals;

import io.beastmode.processors.metrics.MetricsSnapshot;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Turns window metrics and anomaly signals into optimization proposals. Stateful but pure: no clock, no I/O, no
 * randomness. Time is event time (the latest window end, signal or {@link #onTime} tick), ids are name-based UUIDs of
 * kind, target, action, identity and creation time, and all state is kept in sorted maps, so a replay of the same
 * inputs gives the same proposals with the same ids. {@link #toBytes()} / {@link #fromBytes} carry the whole state
 * (versioned) for a key-value store.
 *
 * <p>Lifecycle per target and slot (e.g. REQUEST_TYPE:code / reroute): a rule's draft opens a proposal (OPEN); an
 * equivalent draft while it is open is dropped; a materially different one supersedes it (the old one is emitted
 * SUPERSEDED, the new one carries {@code supersedes}); at {@code expiresAt} an unapplied proposal is emitted EXPIRED.
 * An applied FALLBACK stays until its model is healthy again and the engine emits a LIFTED {@code lift_fallback};
 * other applied proposals are dropped silently at expiry, their change being in force. REJECTED and ROLLED_BACK acks
 * close the proposal and block the same proposal for {@link ProposalConfig#cooldownMs()}.
 *
 * <p>Not thread-safe; one instance per store key.
 */
public final class ProposalEngine {

    private static final byte FORMAT_V1 = 1;
    /** The core part of {@link #drainChanges()}: the whole state but the per-series window history. */
    private static final byte FORMAT_CORE = 2;

    /** An open proposal, whether the router applied it, and its draft's identity (for cooldowns). */
    private record Open(Proposal proposal, boolean applied, String identity) {
    }

    private final ProposalConfig config;
    private final List<ProposalRule> rules;
    private EvidenceStore store;
    private final TreeMap<String, Open> open = new TreeMap<>(); // "TYPE:key#slot" -> open proposal
    private final TreeMap<String, String> lastIds = new TreeMap<>(); // slot key -> last proposal id there
    private final TreeMap<String, Long> cooldowns = new TreeMap<>(); // "slot key|identity" -> blocked until
    private long now = Long.MIN_VALUE;

    public ProposalEngine(ProposalConfig config) {
        this(config, defaultRules());
    }

    public ProposalEngine(ProposalConfig config, List<ProposalRule> rules) {
        this.config = Objects.requireNonNull(config, "config");
        this.rules = List.copyOf(rules);
        this.store = new EvidenceStore(config.historyWindows());
    }

    public static List<ProposalRule> defaultRules() {
        return List.of(new RerouteRule(), new FallbackRule(), new CacheTtlRule(), new CacheWarmRule(),
                new CacheThresholdRule(), new BudgetRule());
    }

    public ProposalConfig config() {
        return config;
    }

    /** Event time the engine has reached. */
    public long now() {
        return now;
    }

    /**
     * A closed window of one series. Snapshots of another length than {@link ProposalConfig#windowSizeMs()} are
     * ignored (see there).
     */
    public List<Proposal> onWindow(Dimension dimension, String key, MetricsSnapshot snapshot) {
        if (config.windowSizeMs() > 0 && snapshot.windowSizeMs() != config.windowSizeMs()) {
            return List.of();
        }
        List<Proposal> out = advance(snapshot.windowEndMs());
        store.addWindow(dimension, key, snapshot);
        out.addAll(runRules(dimension, key));
        out.addAll(reviewOpen());
        return out;
    }

    public List<Proposal> onAnomaly(AnomalySignal signal) {
        return onSignal(signal);
    }

    public List<Proposal> onRecovery(AnomalySignal signal) {
        return onSignal(signal);
    }

    private List<Proposal> onSignal(AnomalySignal signal) {
        List<Proposal> out = advance(signal.windowEndMs());
        store.onSignal(signal);
        out.addAll(runRules(signal.dimension(), signal.key()));
        return out;
    }

    /** Per-window cache facts the snapshot lacks (TTL, age of expired entries, threshold, top missed keys). */
    public List<Proposal> onCacheDetail(CacheMissDetail detail) {
        List<Proposal> out = advance(detail.windowEndMs());
        store.addCacheDetail(detail);
        out.addAll(runRules(Dimension.CACHE_TIER_NAMESPACE, detail.seriesKey()));
        return out;
    }

    /** A tenant's budget period; without it the BUDGET rule assumes the configured default period. */
    public void onBudget(TenantBudget budget) {
        store.putBudget(budget);
    }

    /** Event time passed (e.g. a punctuation or a window of another series): expires proposals. */
    public List<Proposal> onTime(long eventTimeMs) {
        List<Proposal> out = advance(eventTimeMs);
        out.addAll(reviewOpen());
        return out;
    }

    /** The routing layer's acknowledgement; returns the ROLLED_BACK record when a proposal was rolled back. */
    public List<Proposal> onAck(RoutingAck ack) {
        String slotKey = slotKeyOf(ack.proposalId());
        if (slotKey == null) {
            return List.of();
        }
        Open entry = open.get(slotKey);
        switch (ack.status()) {
            case ACCEPTED -> {
                return List.of();
            }
            case APPLIED -> {
                open.put(slotKey, new Open(entry.proposal(), true, entry.identity()));
                return List.of();
            }
            case REJECTED, ROLLED_BACK -> {
                open.remove(slotKey);
                cooldowns.put(slotKey + "|" + entry.identity(), ack.at() + config.cooldownMs());
                return ack.status() == RoutingAck.Status.ROLLED_BACK
                        ? List.of(entry.proposal().withStatus(ProposalStatus.ROLLED_BACK)) : List.of();
            }
            default -> throw new IllegalStateException("unknown ack status " + ack.status());
        }
    }

    /** The open proposals, sorted by target and slot. */
    public List<Proposal> openProposals() {
        return open.values().stream().map(Open::proposal).toList();
    }

    private String slotKeyOf(String proposalId) {
        for (Map.Entry<String, Open> e : open.entrySet()) {
            if (e.getValue().proposal().proposalId().equals(proposalId)) {
                return e.getKey();
            }
        }
        return null;
    }

    /** Moves the clock forward, expires due proposals and evicts idle evidence. */
    private List<Proposal> advance(long eventTimeMs) {
        now = Math.max(now, eventTimeMs);
        List<Proposal> out = new ArrayList<>();
        var it = open.entrySet().iterator();
        while (it.hasNext()) {
            Open entry = it.next().getValue();
            Proposal p = entry.proposal();
            if (p.expiresAt() > now) {
                continue;
            }
            if (!entry.applied()) {
                out.add(p.withStatus(ProposalStatus.EXPIRED));
                it.remove();
            } else if (p.kind() != ProposalKind.FALLBACK) {
                it.remove(); // in force at the router; the rule may propose again from the new evidence
            }
        }
        cooldowns.values().removeIf(until -> until <= now);
        store.evictIdle(now, config.seriesIdleMs());
        return out;
    }

    private RuleContext context() {
        return new RuleContext(config, store, now, (target, slot) -> {
            Open o = open.get(slotKey(target, slot));
            return o == null ? null : o.proposal();
        });
    }

    /** Lets each rule re-judge its open proposals (a snapshot of them: reviews may close or replace some). */
    private List<Proposal> reviewOpen() {
        List<Proposal> out = new ArrayList<>();
        for (Proposal p : openProposals()) {
            for (ProposalRule rule : rules) {
                if (isOpen(p.proposalId())) {
                    for (Draft draft : rule.review(context(), p)) {
                        out.addAll(accept(rule, draft));
                    }
                }
            }
        }
        return out;
    }

    private boolean isOpen(String proposalId) {
        return slotKeyOf(proposalId) != null;
    }

    private List<Proposal> runRules(Dimension dimension, String key) {
        RuleContext context = context();
        List<Proposal> out = new ArrayList<>();
        for (ProposalRule rule : rules) {
            if (!rule.triggeredBy(dimension)) {
                continue;
            }
            for (Draft draft : rule.evaluate(context, dimension, key)) {
                out.addAll(accept(rule, draft));
            }
        }
        return out;
    }

    private List<Proposal> accept(ProposalRule rule, Draft draft) {
        String slotKey = slotKey(draft.target(), draft.slot());
        Open current = open.get(slotKey);
        if (draft.lift()) {
            if (current == null) {
                return List.of();
            }
            Proposal lifted = build(draft, ProposalStatus.LIFTED, current.proposal().proposalId());
            open.remove(slotKey);
            lastIds.put(slotKey, lifted.proposalId());
            return List.of(lifted);
        }
        Long blockedUntil = cooldowns.get(slotKey + "|" + draft.identityValue());
        if (blockedUntil != null && blockedUntil > now) {
            return List.of();
        }
        List<Proposal> out = new ArrayList<>(2);
        String supersedes = lastIds.get(slotKey);
        if (current != null) {
            if (!rule.materiallyDifferent(current.proposal(), draft)) {
                return List.of(); // an equivalent proposal is open: never repeat it
            }
            out.add(current.proposal().withStatus(ProposalStatus.SUPERSEDED));
            supersedes = current.proposal().proposalId();
        }
        Proposal created = build(draft, ProposalStatus.OPEN, supersedes);
        open.put(slotKey, new Open(created, false, draft.identityValue()));
        lastIds.put(slotKey, created.proposalId());
        out.add(created);
        return out;
    }

    private static Proposal build(Draft d, ProposalStatus status, String supersedes) {
        return new Proposal(proposalId(d.kind(), d.target(), d.identityValue(), d.createdAt()), d.kind(), d.target(),
                d.action(), d.parameters(), status, d.evidence(), d.expectedImpact(), d.confidence(), d.rollout(),
                d.createdAt(), d.createdAt() + d.ttlMs(), supersedes);
    }

    /** Name-based (v3) UUID of what identifies a proposal, so replays reproduce ids. */
    static String proposalId(ProposalKind kind, Target target, String identity, long createdAt) {
        String name = kind + "|" + target + "|" + identity + "|" + createdAt;
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static String slotKey(Target target, String slot) {
        return target + "#" + slot;
    }

    // ---- state ----

    public byte[] toBytes() {
        return StateCodec.encode(FORMAT_V1, out -> {
            out.writeLong(now);
            store.write(out);
            writeProposals(out);
        });
    }

    /**
     * The state in parts, for a store written after every input: {@code core} (everything but the per-series window
     * history) and the series changed since the last call, keyed {@link #seriesPartKey}, with null for an evicted
     * series. Writing only what changed keeps the cost per window record independent of how many series there are;
     * the whole state in one blob ({@link #toBytes()}) was most of the insight stage's time per record.
     */
    public StateParts drainChanges() {
        byte[] core = StateCodec.encode(FORMAT_CORE, out -> {
            out.writeLong(now);
            store.writeCore(out);
            writeProposals(out);
        });
        return new StateParts(core, store.drainSeriesParts());
    }

    /** Key of a series part: {@code DIMENSION|key}. */
    public static String seriesPartKey(Dimension dimension, String key) {
        return EvidenceStore.partKey(dimension, key);
    }

    /** Restores an engine from {@link #drainChanges()} parts (all series parts present, none null). */
    public static ProposalEngine fromParts(ProposalConfig config, byte[] core, Map<String, byte[]> series) {
        ProposalEngine engine = StateCodec.decode(core, FORMAT_CORE, "ProposalEngine core", in -> {
            ProposalEngine e = new ProposalEngine(config, defaultRules());
            e.now = in.readLong();
            e.store.readCore(in);
            e.readProposals(in);
            return e;
        });
        engine.store.putSeriesParts(series);
        return engine;
    }

    private void writeProposals(java.io.DataOutput out) throws java.io.IOException {
        out.writeInt(open.size());
        for (Map.Entry<String, Open> e : open.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeBoolean(e.getValue().applied());
            out.writeUTF(e.getValue().identity());
            StateCodec.writeProposal(out, e.getValue().proposal());
        }
        StateCodec.writeStringMap(out, lastIds);
        out.writeInt(cooldowns.size());
        for (Map.Entry<String, Long> e : cooldowns.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeLong(e.getValue());
        }
    }

    private void readProposals(java.io.DataInput in) throws java.io.IOException {
        int n = StateCodec.readSize(in);
        for (int i = 0; i < n; i++) {
            String slotKey = in.readUTF();
            boolean applied = in.readBoolean();
            String identity = in.readUTF();
            open.put(slotKey, new Open(StateCodec.readProposal(in), applied, identity));
        }
        lastIds.putAll(StateCodec.readStringMap(in));
        n = StateCodec.readSize(in);
        for (int i = 0; i < n; i++) {
            cooldowns.put(in.readUTF(), in.readLong());
        }
    }

    /** Restores an engine; the config is not part of the state, so a restart may change thresholds. */
    public static ProposalEngine fromBytes(ProposalConfig config, byte[] bytes) {
        return fromBytes(config, defaultRules(), bytes);
    }

    public static ProposalEngine fromBytes(ProposalConfig config, List<ProposalRule> rules, byte[] bytes) {
        return StateCodec.decode(bytes, FORMAT_V1, "ProposalEngine", in -> {
            ProposalEngine engine = new ProposalEngine(config, rules);
            engine.now = in.readLong();
            engine.store = EvidenceStore.read(in, config.historyWindows());
            engine.readProposals(in);
            return engine;
        });
    }
}
