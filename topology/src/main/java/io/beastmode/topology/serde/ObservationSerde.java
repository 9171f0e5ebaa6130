package io.beastmode.topology.serde;

import io.beastmode.processors.metrics.CacheObservation;
import io.beastmode.processors.metrics.CostObservation;
import io.beastmode.processors.metrics.RequestObservation;
import io.beastmode.processors.metrics.SelectionObservation;
import io.beastmode.topology.model.Observation;
import io.beastmode.topology.model.Observation.Kind;
import io.beastmode.topology.model.Observation.Provenance;
import org.apache.kafka.common.errors.SerializationException;

import io.beastmode.processors.io.ByteArrayDataOutput;
import io.beastmode.processors.io.UnsyncByteStreams;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Compact binary serde of the internal {@link Observation} union for the by-dimension repartition topic: a format
 * byte, the kind, the kind's fields in declaration order (nullable values behind a presence flag), then the optional
 * provenance. Smaller and cheaper than Avro with a registry round trip for a topic nobody else reads.
 */
public final class ObservationSerde extends SelfSerde<Observation> {

    private static final byte FORMAT_V1 = 1;

    @Override
    public byte[] serialize(String topic, Observation o) {
        if (o == null) {
            return null;
        }
        try {
            ByteArrayDataOutput out = new ByteArrayDataOutput(128);
            out.writeByte(FORMAT_V1);
            out.writeByte(o.kind().ordinal());
            switch (o.kind()) {
                case REQUEST -> {
                    RequestObservation r = (RequestObservation) o.payload();
                    out.writeLong(r.eventTimeMs());
                    writeString(out, r.tenant());
                    writeString(out, r.requestType());
                    writeString(out, r.model());
                    out.writeBoolean(r.error());
                    writeString(out, r.errorClass());
                    out.writeDouble(r.latencyMs());
                    writeDouble(out, r.timeToFirstTokenMs());
                    out.writeInt(r.inputTokens());
                    out.writeInt(r.outputTokens());
                }
                case CACHE -> {
                    CacheObservation c = (CacheObservation) o.payload();
                    out.writeLong(c.eventTimeMs());
                    writeString(out, c.tier());
                    writeString(out, c.namespace());
                    writeString(out, c.outcome());
                    out.writeDouble(c.lookupLatencyMs());
                    writeDouble(out, c.similarity());
                    writeDouble(out, c.threshold());
                    out.writeInt(c.tokensSaved());
                    out.writeDouble(c.usdSaved());
                    writeString(out, c.keyHash());
                }
                case SELECTION -> {
                    SelectionObservation s = (SelectionObservation) o.payload();
                    out.writeLong(s.eventTimeMs());
                    writeString(out, s.requestType());
                    writeString(out, s.selectedModel());
                    out.writeBoolean(s.fallback());
                    writeDouble(out, s.observedQuality());
                    // Sorted so equal observations serialize to equal bytes.
                    Map<String, Double> q = new TreeMap<>(s.candidateQualities());
                    out.writeInt(q.size());
                    for (Map.Entry<String, Double> e : q.entrySet()) {
                        out.writeUTF(e.getKey());
                        out.writeDouble(e.getValue());
                    }
                }
                case COST -> {
                    CostObservation c = (CostObservation) o.payload();
                    out.writeLong(c.eventTimeMs());
                    writeString(out, c.tenant());
                    writeString(out, c.model());
                    out.writeDouble(c.costUsd());
                    writeDouble(out, c.baselineCostUsd());
                    writeDouble(out, c.budgetLimitUsd());
                    out.writeBoolean(c.budgetPeriodStartMs() != null);
                    if (c.budgetPeriodStartMs() != null) {
                        out.writeLong(c.budgetPeriodStartMs());
                    }
                }
            }
            Provenance p = o.provenance();
            out.writeBoolean(p != null);
            if (p != null) {
                out.writeUTF(p.topic());
                out.writeInt(p.partition());
                out.writeLong(p.offset());
                out.writeLong(p.timestamp());
                out.writeInt(p.originalKey() == null ? -1 : p.originalKey().length);
                if (p.originalKey() != null) {
                    out.write(p.originalKey());
                }
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new SerializationException("cannot serialize observation", e);
        }
    }

    @Override
    public Observation deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            DataInputStream in = new DataInputStream(new UnsyncByteStreams.Input(data));
            byte format = in.readByte();
            if (format != FORMAT_V1) {
                throw new SerializationException("unknown observation format " + format);
            }
            Kind kind = Kind.values()[in.readUnsignedByte()];
            Object payload = switch (kind) {
                case REQUEST -> new RequestObservation(in.readLong(), readString(in), readString(in),
                        readString(in), in.readBoolean(), readString(in), in.readDouble(), readDouble(in),
                        in.readInt(), in.readInt());
                case CACHE -> new CacheObservation(in.readLong(), readString(in), readString(in), readString(in),
                        in.readDouble(), readDouble(in), readDouble(in), in.readInt(), in.readDouble(),
                        readString(in));
                case SELECTION -> {
                    long t = in.readLong();
                    String type = readString(in);
                    String model = readString(in);
                    boolean fallback = in.readBoolean();
                    Double observed = readDouble(in);
                    int n = in.readInt();
                    Map<String, Double> q = new HashMap<>();
                    for (int i = 0; i < n; i++) {
                        q.put(in.readUTF(), in.readDouble());
                    }
                    yield new SelectionObservation(t, type, model, fallback, observed, q);
                }
                case COST -> new CostObservation(in.readLong(), readString(in), readString(in), in.readDouble(),
                        readDouble(in), readDouble(in), in.readBoolean() ? in.readLong() : null);
            };
            Provenance p = null;
            if (in.readBoolean()) {
                String t = in.readUTF();
                int partition = in.readInt();
                long offset = in.readLong();
                long ts = in.readLong();
                int keyLength = in.readInt();
                byte[] key = null;
                if (keyLength >= 0) {
                    key = new byte[keyLength];
                    in.readFully(key);
                }
                p = new Provenance(t, partition, offset, ts, key);
            }
            return new Observation(kind, payload, p, false);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("corrupt observation bytes on " + topic, e);
        }
    }

    private static void writeString(DataOutput out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    private static String readString(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    private static void writeDouble(DataOutput out, Double d) throws IOException {
        out.writeBoolean(d != null);
        if (d != null) {
            out.writeDouble(d);
        }
    }

    private static Double readDouble(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readDouble() : null;
    }
}
