package io.beastmode.processors.metrics;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/** Compact primitives for the aggregate's binary form: LEB128 varints, zig-zag for signed values. */
final class Codec {

    private Codec() {
    }

    static void writeVarLong(DataOutput out, long value) throws IOException {
        while ((value & ~0x7FL) != 0) {
            out.writeByte((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.writeByte((int) value);
    }

    static long readVarLong(DataInput in) throws IOException {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = in.readByte();
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new IOException("varint too long");
    }

    static void writeSignedVarLong(DataOutput out, long value) throws IOException {
        writeVarLong(out, (value << 1) ^ (value >> 63));
    }

    static long readSignedVarLong(DataInput in) throws IOException {
        long raw = readVarLong(in);
        return (raw >>> 1) ^ -(raw & 1);
    }

    static int readCount(DataInput in) throws IOException {
        long n = readVarLong(in);
        if (n < 0 || n > Integer.MAX_VALUE) {
            throw new IOException("bad element count " + n);
        }
        return (int) n;
    }

    static void writeCounts(DataOutput out, Map<String, Long> counts) throws IOException {
        writeVarLong(out, counts.size());
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            out.writeUTF(e.getKey());
            writeVarLong(out, e.getValue());
        }
    }

    static TreeMap<String, Long> readCounts(DataInput in) throws IOException {
        int n = readCount(in);
        TreeMap<String, Long> counts = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            counts.put(in.readUTF(), readVarLong(in));
        }
        return counts;
    }

    static void addCounts(Map<String, Long> into, Map<String, Long> from) {
        from.forEach((k, v) -> into.merge(k, v, Long::sum));
    }

    static void writeSketch(DataOutput out, LatencySketch sketch) throws IOException {
        byte[] bytes = sketch.toBytes();
        writeVarLong(out, bytes.length);
        out.write(bytes);
    }

    static LatencySketch readSketch(DataInput in) throws IOException {
        byte[] bytes = new byte[readCount(in)];
        in.readFully(bytes);
        return LatencySketch.fromBytes(bytes);
    }

    static String nonNull(String s, String fallback) {
        return s == null ? fallback : s;
    }
}
