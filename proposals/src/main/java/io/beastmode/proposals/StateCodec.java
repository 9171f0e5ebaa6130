package io.beastmode.proposals;

import io.beastmode.processors.metrics.MetricsSnapshot;
import io.beastmode.processors.metrics.MetricsSnapshot.CacheStats;
import io.beastmode.processors.metrics.MetricsSnapshot.CostStats;
import io.beastmode.processors.metrics.MetricsSnapshot.LatencyStats;
import io.beastmode.processors.metrics.MetricsSnapshot.QualityStat;
import io.beastmode.processors.metrics.MetricsSnapshot.RequestStats;
import io.beastmode.processors.metrics.MetricsSnapshot.SelectionStats;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Binary form of the records kept in engine and tracker state. Snapshots are stored without their latency sketch and
 * usage stats (no rule reads them, and the sketch is the bulk of a snapshot); {@link #trim} applies the same cut and
 * sorts every map on the way in, so state in memory and state read back from bytes are equal, and iteration over it
 * is deterministic.
 */
final class StateCodec {

    private StateCodec() {
    }

    interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    /** A versioned state blob: the format byte, then what {@code body} writes. */
    static byte[] encode(byte format, Writer body) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(format);
            body.write(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in-memory streams do not fail
        }
    }

    /** Reads a blob of {@link #encode}: rejects other formats, truncation and trailing bytes. */
    static <T> T decode(byte[] bytes, byte format, String what, Reader<T> body) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
            byte found = in.readByte();
            if (found != format) {
                throw new IllegalArgumentException("unknown " + what + " state format " + found);
            }
            T result = body.read(in);
            if (in.available() > 0) {
                throw new IllegalArgumentException("trailing bytes after " + what + " state");
            }
            return result;
        } catch (IOException e) {
            throw new IllegalArgumentException("corrupt " + what + " state", e);
        }
    }

    // ---- primitives ----

    static void writeString(DataOutput out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    static String readString(DataInput in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    static void writeDouble(DataOutput out, Double d) throws IOException {
        out.writeBoolean(d != null);
        if (d != null) {
            out.writeDouble(d);
        }
    }

    static Double readDouble(DataInput in) throws IOException {
        return in.readBoolean() ? in.readDouble() : null;
    }

    static void writeLong(DataOutput out, Long l) throws IOException {
        out.writeBoolean(l != null);
        if (l != null) {
            out.writeLong(l);
        }
    }

    static Long readLong(DataInput in) throws IOException {
        return in.readBoolean() ? in.readLong() : null;
    }

    static int readSize(DataInput in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            throw new IOException("negative size " + n);
        }
        return n;
    }

    static <E extends Enum<E>> E readEnum(DataInput in, Class<E> type) throws IOException {
        int ordinal = in.readUnsignedByte();
        E[] values = type.getEnumConstants();
        if (ordinal >= values.length) {
            throw new IOException("bad " + type.getSimpleName() + " ordinal " + ordinal);
        }
        return values[ordinal];
    }

    static void writeEnum(DataOutput out, Enum<?> e) throws IOException {
        out.writeByte(e.ordinal());
    }

    static <V> SortedMap<String, V> sorted(Map<String, V> map) {
        return map == null ? null : Collections.unmodifiableSortedMap(new TreeMap<>(map));
    }

    // ---- snapshots ----

    /** The part of a snapshot the rules and the evaluator read, with sorted maps. */
    static MetricsSnapshot trim(MetricsSnapshot s) {
        RequestStats r = s.requests() == null ? null : new RequestStats(s.requests().count(),
                s.requests().throughputRps(), s.requests().errorCount(), s.requests().errorRate(),
                sorted(s.requests().errorsByClass()));
        CacheStats c = s.cache() == null ? null : new CacheStats(s.cache().lookups(), sorted(s.cache().outcomes()),
                s.cache().hitRate(), sorted(s.cache().hitRateByTier()), s.cache().lookupLatencyP95Ms(),
                s.cache().tokensSaved(), s.cache().usdSaved(),
                s.cache().nearThresholdMisses() == null ? List.of() : List.copyOf(s.cache().nearThresholdMisses()),
                s.cache().nearThresholdBucketWidth(), s.cache().expiredRerequested());
        SelectionStats sel = s.selection() == null ? null : new SelectionStats(s.selection().selections(),
                sorted(s.selection().modelShare()), sorted(s.selection().qualityByModel()), s.selection().accuracy(),
                s.selection().fallbackRate());
        return new MetricsSnapshot(s.windowStartMs(), s.windowEndMs(), r, s.latency(), s.timeToFirstToken(), null, c,
                sel, s.cost(), null);
    }

    static void writeSnapshot(DataOutput out, MetricsSnapshot s) throws IOException {
        out.writeLong(s.windowStartMs());
        out.writeLong(s.windowEndMs());
        RequestStats r = s.requests();
        out.writeBoolean(r != null);
        if (r != null) {
            out.writeLong(r.count());
            out.writeDouble(r.throughputRps());
            out.writeLong(r.errorCount());
            out.writeDouble(r.errorRate());
            writeLongMap(out, r.errorsByClass());
        }
        writeLatency(out, s.latency());
        writeLatency(out, s.timeToFirstToken());
        CacheStats c = s.cache();
        out.writeBoolean(c != null);
        if (c != null) {
            out.writeLong(c.lookups());
            writeLongMap(out, c.outcomes());
            out.writeDouble(c.hitRate());
            writeDoubleMap(out, c.hitRateByTier());
            out.writeDouble(c.lookupLatencyP95Ms());
            out.writeLong(c.tokensSaved());
            out.writeDouble(c.usdSaved());
            out.writeInt(c.nearThresholdMisses().size());
            for (Long n : c.nearThresholdMisses()) {
                out.writeLong(n);
            }
            out.writeDouble(c.nearThresholdBucketWidth());
            out.writeLong(c.expiredRerequested());
        }
        SelectionStats sel = s.selection();
        out.writeBoolean(sel != null);
        if (sel != null) {
            out.writeLong(sel.selections());
            writeDoubleMap(out, sel.modelShare());
            out.writeInt(sel.qualityByModel().size());
            for (Map.Entry<String, QualityStat> e : new TreeMap<>(sel.qualityByModel()).entrySet()) {
                out.writeUTF(e.getKey());
                out.writeLong(e.getValue().samples());
                out.writeDouble(e.getValue().mean());
                out.writeDouble(e.getValue().sumSquares());
            }
            writeDouble(out, sel.accuracy());
            out.writeDouble(sel.fallbackRate());
        }
        CostStats cost = s.cost();
        out.writeBoolean(cost != null);
        if (cost != null) {
            out.writeLong(cost.requests());
            out.writeDouble(cost.spendUsd());
            out.writeDouble(cost.costPerRequestUsd());
            out.writeDouble(cost.baselineSpendUsd());
            out.writeDouble(cost.savingsUsd());
            out.writeDouble(cost.savingsPct());
            writeDouble(out, cost.budgetLimitUsd());
            writeDouble(out, cost.budgetUtilization());
            out.writeDouble(cost.burnRateUsdPerHour());
        }
    }

    /** A count, then each snapshot. */
    /** One window as {@link #writeSnapshot} writes it. */
    static byte[] snapshotBytes(MetricsSnapshot s) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
            DataOutputStream out = new DataOutputStream(bytes);
            writeSnapshot(out, s);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in-memory streams do not fail
        }
    }

    static void writeSnapshots(DataOutput out, java.util.Collection<MetricsSnapshot> windows) throws IOException {
        out.writeInt(windows.size());
        for (MetricsSnapshot w : windows) {
            writeSnapshot(out, w);
        }
    }

    static List<MetricsSnapshot> readSnapshots(DataInput in) throws IOException {
        int n = readSize(in);
        List<MetricsSnapshot> windows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            windows.add(readSnapshot(in));
        }
        return windows;
    }

    static MetricsSnapshot readSnapshot(DataInput in) throws IOException {
        long start = in.readLong();
        long end = in.readLong();
        RequestStats r = in.readBoolean() ? new RequestStats(in.readLong(), in.readDouble(), in.readLong(),
                in.readDouble(), readLongMap(in)) : null;
        LatencyStats latency = readLatency(in);
        LatencyStats ttft = readLatency(in);
        CacheStats c = null;
        if (in.readBoolean()) {
            long lookups = in.readLong();
            SortedMap<String, Long> outcomes = readLongMap(in);
            double hitRate = in.readDouble();
            SortedMap<String, Double> byTier = readDoubleMap(in);
            double p95 = in.readDouble();
            long tokens = in.readLong();
            double usd = in.readDouble();
            int n = readSize(in);
            List<Long> near = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                near.add(in.readLong());
            }
            c = new CacheStats(lookups, outcomes, hitRate, byTier, p95, tokens, usd, List.copyOf(near),
                    in.readDouble(), in.readLong());
        }
        SelectionStats sel = null;
        if (in.readBoolean()) {
            long selections = in.readLong();
            SortedMap<String, Double> share = readDoubleMap(in);
            int n = readSize(in);
            TreeMap<String, QualityStat> quality = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                quality.put(in.readUTF(), new QualityStat(in.readLong(), in.readDouble(), in.readDouble()));
            }
            sel = new SelectionStats(selections, share, Collections.unmodifiableSortedMap(quality), readDouble(in),
                    in.readDouble());
        }
        CostStats cost = in.readBoolean() ? new CostStats(in.readLong(), in.readDouble(), in.readDouble(),
                in.readDouble(), in.readDouble(), in.readDouble(), readDouble(in), readDouble(in), in.readDouble())
                : null;
        return new MetricsSnapshot(start, end, r, latency, ttft, null, c, sel, cost, null);
    }

    private static void writeLatency(DataOutput out, LatencyStats l) throws IOException {
        out.writeBoolean(l != null);
        if (l != null) {
            out.writeLong(l.count());
            out.writeDouble(l.p50());
            out.writeDouble(l.p95());
            out.writeDouble(l.p99());
            out.writeDouble(l.max());
            out.writeDouble(l.mean());
        }
    }

    private static LatencyStats readLatency(DataInput in) throws IOException {
        return in.readBoolean() ? new LatencyStats(in.readLong(), in.readDouble(), in.readDouble(), in.readDouble(),
                in.readDouble(), in.readDouble()) : null;
    }

    static void writeLongMap(DataOutput out, Map<String, Long> map) throws IOException {
        Map<String, Long> m = map == null ? Map.of() : new TreeMap<>(map);
        out.writeInt(m.size());
        for (Map.Entry<String, Long> e : m.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeLong(e.getValue());
        }
    }

    static SortedMap<String, Long> readLongMap(DataInput in) throws IOException {
        int n = readSize(in);
        TreeMap<String, Long> m = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            m.put(in.readUTF(), in.readLong());
        }
        return Collections.unmodifiableSortedMap(m);
    }

    static void writeDoubleMap(DataOutput out, Map<String, Double> map) throws IOException {
        Map<String, Double> m = map == null ? Map.of() : new TreeMap<>(map);
        out.writeInt(m.size());
        for (Map.Entry<String, Double> e : m.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeDouble(e.getValue());
        }
    }

    static SortedMap<String, Double> readDoubleMap(DataInput in) throws IOException {
        int n = readSize(in);
        TreeMap<String, Double> m = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            m.put(in.readUTF(), in.readDouble());
        }
        return Collections.unmodifiableSortedMap(m);
    }

    static void writeStringMap(DataOutput out, Map<String, String> map) throws IOException {
        Map<String, String> m = new TreeMap<>(map);
        out.writeInt(m.size());
        for (Map.Entry<String, String> e : m.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeUTF(e.getValue());
        }
    }

    static SortedMap<String, String> readStringMap(DataInput in) throws IOException {
        int n = readSize(in);
        TreeMap<String, String> m = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            m.put(in.readUTF(), in.readUTF());
        }
        return m;
    }

    // ---- proposals ----

    static void writeProposal(DataOutput out, Proposal p) throws IOException {
        out.writeUTF(p.proposalId());
        writeEnum(out, p.kind());
        writeEnum(out, p.target().type());
        out.writeUTF(p.target().key());
        out.writeUTF(p.action());
        writeStringMap(out, p.parameters());
        writeEnum(out, p.status());
        out.writeInt(p.evidence().size());
        for (Evidence e : p.evidence()) {
            out.writeUTF(e.metric());
            out.writeUTF(e.subject());
            out.writeDouble(e.value());
            writeDouble(out, e.reference());
            out.writeLong(e.samples());
            out.writeLong(e.windowStart());
            out.writeLong(e.windowEnd());
        }
        ExpectedImpact i = p.expectedImpact();
        writeDouble(out, i.latencyP95DeltaMs());
        writeDouble(out, i.costDeltaPct());
        writeDouble(out, i.qualityDelta());
        writeDouble(out, i.hitRateDelta());
        Confidence c = p.confidence();
        out.writeUTF(c.test());
        out.writeDouble(c.statistic());
        out.writeDouble(c.pValue());
        out.writeDouble(c.confidenceLevel());
        RolloutPlan r = p.rollout();
        out.writeDouble(r.canaryShare());
        out.writeLong(r.canaryDurationMs());
        out.writeDouble(r.fullShare());
        out.writeLong(p.createdAt());
        out.writeLong(p.expiresAt());
        writeString(out, p.supersedes());
    }

    static Proposal readProposal(DataInput in) throws IOException {
        String id = in.readUTF();
        ProposalKind kind = readEnum(in, ProposalKind.class);
        Target target = new Target(readEnum(in, Target.Type.class), in.readUTF());
        String action = in.readUTF();
        SortedMap<String, String> parameters = readStringMap(in);
        ProposalStatus status = readEnum(in, ProposalStatus.class);
        int n = readSize(in);
        List<Evidence> evidence = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            evidence.add(new Evidence(in.readUTF(), in.readUTF(), in.readDouble(), readDouble(in), in.readLong(),
                    in.readLong(), in.readLong()));
        }
        ExpectedImpact impact = new ExpectedImpact(readDouble(in), readDouble(in), readDouble(in), readDouble(in));
        Confidence confidence = new Confidence(in.readUTF(), in.readDouble(), in.readDouble(), in.readDouble());
        RolloutPlan rollout = new RolloutPlan(in.readDouble(), in.readLong(), in.readDouble());
        return new Proposal(id, kind, target, action, parameters, status, evidence, impact, confidence, rollout,
                in.readLong(), in.readLong(), readString(in));
    }
}
