package io.beastmode.processors.metrics;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import com.datadoghq.sketch.ddsketch.mapping.IndexMapping;
import com.datadoghq.sketch.ddsketch.mapping.LogarithmicMapping;
import com.datadoghq.sketch.ddsketch.store.CollapsingLowestDenseStore;
import com.datadoghq.sketch.ddsketch.store.Store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.function.Supplier;

/**
 * Mergeable relative-error quantile sketch for non-negative values (latencies in ms), backed by a DDSketch.
 *
 * <p>Quantile definition: {@code quantile(q)} approximates the lower nearest-rank percentile, the value at 0-based
 * rank {@code floor(q * (n - 1))} of the sorted values, which is the rank DDSketch's {@code getValueAtQuantile}
 * targets. With the default relative accuracy of 0.5% the returned value is within 0.5% (so well inside 1%) of that
 * exact value. Count, min, max and sum are tracked exactly, and quantiles are clamped into [min, max].
 *
 * <p>Merging adds bin counts, so it is exact: a merge of sketches answers exactly like one sketch fed all values.
 * Stores are dense with a logarithmic mapping (fewest bins for the accuracy) and collapse the lowest bins beyond
 * {@value #MAX_BINS} bins, which only happens for value ranges wider than about 1e17 and never touches high quantiles.
 */
public final class LatencySketch {

    public static final double DEFAULT_RELATIVE_ACCURACY = 0.005;
    static final int MAX_BINS = 4096;
    private static final byte FORMAT_V1 = 1;
    private static final byte FLAG_DEFAULT_ACCURACY = 0;
    private static final byte FLAG_CUSTOM_ACCURACY = 1;
    private static final Supplier<Store> STORES = () -> new CollapsingLowestDenseStore(MAX_BINS);
    private static final IndexMapping DEFAULT_MAPPING = new LogarithmicMapping(DEFAULT_RELATIVE_ACCURACY);

    private final double relativeAccuracy;
    private final DDSketch sketch;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private double sum;

    public LatencySketch() {
        this(DEFAULT_RELATIVE_ACCURACY);
    }

    public LatencySketch(double relativeAccuracy) {
        this(relativeAccuracy, new DDSketch(mapping(relativeAccuracy), STORES));
    }

    private LatencySketch(double relativeAccuracy, DDSketch sketch) {
        this.relativeAccuracy = relativeAccuracy;
        this.sketch = sketch;
    }

    private static IndexMapping mapping(double relativeAccuracy) {
        return relativeAccuracy == DEFAULT_RELATIVE_ACCURACY ? DEFAULT_MAPPING : new LogarithmicMapping(relativeAccuracy);
    }

    /** Adds one value; rejects negative, NaN and infinite values (the topology routes those to the DLQ first). */
    public void add(double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("latency must be finite and >= 0: " + value);
        }
        sketch.accept(value);
        min = Math.min(min, value);
        max = Math.max(max, value);
        sum += value;
    }

    /** Adds all values of {@code other} into this sketch; both must have the same relative accuracy. */
    public void merge(LatencySketch other) {
        if (other.relativeAccuracy != relativeAccuracy) {
            throw new IllegalArgumentException("cannot merge sketches of relative accuracy " + relativeAccuracy
                    + " and " + other.relativeAccuracy);
        }
        if (other.isEmpty()) {
            return;
        }
        sketch.mergeWith(other.sketch);
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
        sum += other.sum;
    }

    public LatencySketch copy() {
        LatencySketch copy = new LatencySketch(relativeAccuracy, sketch.copy());
        copy.min = min;
        copy.max = max;
        copy.sum = sum;
        return copy;
    }

    public double relativeAccuracy() {
        return relativeAccuracy;
    }

    public boolean isEmpty() {
        return sketch.isEmpty();
    }

    public long count() {
        return Math.round(sketch.getCount());
    }

    /** Lower nearest-rank quantile (see class comment), NaN when empty. */
    public double quantile(double q) {
        if (q < 0 || q > 1) {
            throw new IllegalArgumentException("quantile must be in [0,1]: " + q);
        }
        if (isEmpty()) {
            return Double.NaN;
        }
        return Math.max(min, Math.min(max, sketch.getValueAtQuantile(q)));
    }

    public double min() {
        return isEmpty() ? Double.NaN : min;
    }

    public double max() {
        return isEmpty() ? Double.NaN : max;
    }

    public double sum() {
        return sum;
    }

    public double mean() {
        return isEmpty() ? Double.NaN : sum / sketch.getCount();
    }

    /**
     * Compact form for state stores: a format byte, the accuracy (only when not the default), exact min, max and sum,
     * then the library's own binary encoding of the bins (varint deltas; index mapping omitted since it follows from
     * the accuracy).
     */
    public byte[] toBytes() {
        try {
            GrowingByteArrayOutput out = GrowingByteArrayOutput.withInitialCapacity(64);
            out.writeByte(FORMAT_V1);
            if (relativeAccuracy == DEFAULT_RELATIVE_ACCURACY) {
                out.writeByte(FLAG_DEFAULT_ACCURACY);
            } else {
                out.writeByte(FLAG_CUSTOM_ACCURACY);
                out.writeLongLE(Double.doubleToRawLongBits(relativeAccuracy));
            }
            out.writeLongLE(Double.doubleToRawLongBits(min));
            out.writeLongLE(Double.doubleToRawLongBits(max));
            out.writeLongLE(Double.doubleToRawLongBits(sum));
            sketch.encode(out, true);
            return out.trimmedCopy();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static LatencySketch fromBytes(byte[] bytes) {
        try {
            ByteArrayInput in = ByteArrayInput.wrap(bytes);
            byte format = in.readByte();
            if (format != FORMAT_V1) {
                throw new IllegalArgumentException("unknown LatencySketch format " + format);
            }
            byte flag = in.readByte();
            double accuracy = switch (flag) {
                case FLAG_DEFAULT_ACCURACY -> DEFAULT_RELATIVE_ACCURACY;
                case FLAG_CUSTOM_ACCURACY -> Double.longBitsToDouble(in.readLongLE());
                default -> throw new IllegalArgumentException("unknown LatencySketch accuracy flag " + flag);
            };
            double min = Double.longBitsToDouble(in.readLongLE());
            double max = Double.longBitsToDouble(in.readLongLE());
            double sum = Double.longBitsToDouble(in.readLongLE());
            DDSketch ddSketch = DDSketch.decode(in, STORES, mapping(accuracy));
            LatencySketch result = new LatencySketch(accuracy, ddSketch);
            result.min = min;
            result.max = max;
            result.sum = sum;
            return result;
        } catch (IOException e) {
            throw new IllegalArgumentException("corrupt LatencySketch bytes", e);
        }
    }

    /**
     * The DDSketch protobuf form (the {@code latencySketch} field of WindowMetrics), readable by any DDSketch
     * implementation, e.g. Java's {@code DDSketchProtoBinding} with protobuf-java. It carries bins only, not the exact
     * min, max and sum.
     */
    public byte[] toProtoBytes() {
        ByteBuffer buffer = sketch.serialize();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    @Override
    public String toString() {
        return "LatencySketch{count=" + count() + ", min=" + min() + ", max=" + max() + ", mean=" + mean() + "}";
    }
}
