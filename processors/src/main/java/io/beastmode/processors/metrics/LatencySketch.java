package io.beastmode.processors.metrics;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import com.datadoghq.sketch.ddsketch.mapping.IndexMapping;
import com.datadoghq.sketch.ddsketch.mapping.LogarithmicMapping;
import com.datadoghq.sketch.ddsketch.store.Bin;
import com.datadoghq.sketch.ddsketch.store.BinAcceptor;
import com.datadoghq.sketch.ddsketch.store.CollapsingLowestDenseStore;
import com.datadoghq.sketch.ddsketch.store.Store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Iterator;
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
 *
 * <p>Not thread-safe, reads included: values are added to the bins in batches, and a read first adds the pending ones.
 */
public final class LatencySketch {

    public static final double DEFAULT_RELATIVE_ACCURACY = 0.005;
    static final int MAX_BINS = 4096;
    /** Bins in the library's encoding (kept readable: stores and topics written before V2 hold it). */
    private static final byte FORMAT_V1 = 1;
    /** Bins as index deltas and whole counts in varints, written and read in one pass (see {@link #toBytes}). */
    private static final byte FORMAT_V2 = 2;
    private static final byte FLAG_DEFAULT_ACCURACY = 0;
    private static final byte FLAG_CUSTOM_ACCURACY = 1;
    /** Values added in one batch (see {@link #pending}). */
    private static final int PENDING_CAPACITY = 64;
    private static final Supplier<Store> STORES = () -> new CollapsingLowestDenseStore(MAX_BINS);
    private static final IndexMapping DEFAULT_MAPPING = new LogarithmicMapping(DEFAULT_RELATIVE_ACCURACY);

    private final double relativeAccuracy;
    /** The bins; read it through {@link #sketch()}, which first adds the values still pending. */
    private DDSketch sketch;
    /**
     * Values added but not yet in the bins. A fresh sketch (a partial in the decode task has a few hundred values)
     * grew and re-centred its bin array each time a value fell outside the range so far, about 2 ln n times, and that
     * growing was over a third of the cost of adding events to partials in a JFR profile of the pipeline. Added in batches, the
     * smallest and largest first, the array is sized for the batch's whole range at once.
     */
    private double[] pending;
    private int pendingCount;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private double sum;
    /** Values added, kept here: the library sums its whole bin array for each count it is asked for. */
    private long count;

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
        if (pending == null) {
            pending = new double[PENDING_CAPACITY];
        } else if (pendingCount == PENDING_CAPACITY) {
            addPending();
        }
        pending[pendingCount++] = value;
        count++;
        min = Math.min(min, value);
        max = Math.max(max, value);
        sum += value;
    }

    /** Puts the pending values into the bins: the batch's extremes first, so the store extends its range once. */
    private void addPending() {
        int lowest = 0;
        int highest = 0;
        for (int i = 1; i < pendingCount; i++) {
            if (pending[i] < pending[lowest]) {
                lowest = i;
            }
            if (pending[i] > pending[highest]) {
                highest = i;
            }
        }
        sketch.accept(pending[lowest]);
        if (highest != lowest) {
            sketch.accept(pending[highest]);
        }
        for (int i = 0; i < pendingCount; i++) {
            if (i != lowest && i != highest) {
                sketch.accept(pending[i]);
            }
        }
        pendingCount = 0;
    }

    /** The bins with every value added so far. */
    private DDSketch sketch() {
        if (pendingCount > 0) {
            addPending();
        }
        return sketch;
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
        if (isEmpty()) {
            // A copy of the other's bin array: merged into an empty store, it grew bin by bin (a hopping window's
            // first tumbling window, a window's first partial).
            sketch = other.sketch().copy();
        } else {
            sketch().mergeWith(other.sketch());
        }
        count += other.count;
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
        sum += other.sum;
    }

    public LatencySketch copy() {
        LatencySketch copy = new LatencySketch(relativeAccuracy, sketch().copy());
        copy.min = min;
        copy.max = max;
        copy.sum = sum;
        copy.count = count;
        return copy;
    }

    public double relativeAccuracy() {
        return relativeAccuracy;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    public long count() {
        return count;
    }

    /** Lower nearest-rank quantile (see class comment), NaN when empty. */
    public double quantile(double q) {
        return quantiles(q)[0];
    }

    /**
     * Several quantiles (see {@link #quantile}), in the order asked; NaN each when empty.
     *
     * <p>A quantile of one half or more, of a sketch without negative values (every latency), is found walking down
     * from the highest bin, with the library's rule (the value of the first bin whose running count from the bottom
     * exceeds {@code q * (count - 1)}), and the sketch's own exact count: a p99 stops after the top few bins. The
     * library sums every bin to count them and then walks up from the lowest, allocating an object per bin, for each
     * quantile asked; that was a sixth of closing a window in a profile. Lower quantiles go to the library.
     */
    public double[] quantiles(double... qs) {
        for (double q : qs) {
            checkQuantile(q);
        }
        double[] values = new double[qs.length];
        if (isEmpty()) {
            Arrays.fill(values, Double.NaN);
            return values;
        }
        DDSketch bins = sketch();
        boolean fromTop = bins.getNegativeValueStore().isEmpty();
        for (int i = 0; i < qs.length; i++) {
            double v = fromTop && qs[i] >= 0.5 ? fromTop(bins, count, qs[i]) : Double.NaN;
            values[i] = clamp(Double.isNaN(v) ? bins.getValueAtQuantile(qs[i]) : v);
        }
        return values;
    }

    /**
     * See {@link #quantiles}. Counts are whole numbers below 2^53, so the sums are exact and the bin is the library's:
     * the highest bin whose count from the bottom up to it, not including it, is at most the rank. NaN if none is
     * (the library then decides). Package-private for the test that pins it to the library's answer.
     */
    static double fromTop(DDSketch bins, long exactCount, double q) {
        double count = exactCount;
        double rank = q * (count - 1);
        double above = 0;
        Iterator<Bin> down = bins.getPositiveValueStore().getDescendingIterator();
        while (down.hasNext()) {
            Bin bin = down.next();
            if (count - above - bin.getCount() <= rank) {
                return bins.getIndexMapping().value(bin.getIndex());
            }
            above += bin.getCount();
        }
        return count - above > rank ? 0.0 : Double.NaN; // the rank falls among the zeros
    }

    private static void checkQuantile(double q) {
        if (!(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("quantile must be in [0,1]: " + q);
        }
    }

    /** Into [min, max]: the exact extremes bound what the sketch's bins can only approximate. */
    private double clamp(double value) {
        return Math.max(min, Math.min(max, value));
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
        return isEmpty() ? Double.NaN : sum / count;
    }

    /**
     * Compact form for state stores and the repartition topic: a format byte, the accuracy (only when not the
     * default), exact min, max and sum, then the bins (index mapping omitted since it follows from the accuracy).
     *
     * <p>Format 2 (written now): per store (positive, then negative) the number of non-empty bins, the first index
     * (zig-zag varint) and each further index as the gap to the previous one, each with its count, then the zero
     * count, all varints. Counts are whole numbers here (values are added one at a time and merges add counts), so
     * they are stored as integers. The library's own encoding (format 1, still read) first sizes every bin of the
     * dense range both ways to pick a dense or sparse layout; that sizing was the largest single cost of the
     * pipeline's per-window work in a profile. Should a count ever not be whole, format 1 is written instead.
     */
    public byte[] toBytes() {
        if (count > 0 && pendingCount == count) {
            byte[] direct = pendingToBytes();
            if (direct != null) {
                return direct;
            }
        }
        DDSketch bins = sketch();
        BinWriter out = new BinWriter(encodedSizeEstimate(bins));
        out.writeByte(FORMAT_V2);
        writeHeader(out);
        long positive = out.writeStore(bins.getPositiveValueStore());
        long negative = positive < 0 ? -1 : out.writeStore(bins.getNegativeValueStore());
        long zero = count - positive - negative;
        if (negative < 0 || zero < 0) {
            return toBytesV1();
        }
        out.writeVarLong(zero);
        return out.toByteArray();
    }

    /**
     * Format 2 of a sketch whose values are all still pending (a partial's sketches mostly are: a few to a few dozen
     * values): the values' bin indexes sorted and counted, the same bytes as putting them into the bins and walking
     * those. The bin array spans the values' whole range (hundreds of slots for a few values across decades of
     * latency), so building and walking it cost more than the values. Null, for the usual path, when the values span
     * more bins than a store keeps (it would collapse the lowest) or one is beyond what the mapping indexes (the
     * library refuses it). Package-private for the test that pins it to the usual path's bytes.
     */
    byte[] pendingToBytes() {
        IndexMapping mapping = sketch.getIndexMapping();
        double smallest = Math.max(0, mapping.minIndexableValue()); // as the library decides what is zero
        double largest = mapping.maxIndexableValue();
        int[] indexes = new int[pendingCount];
        int n = 0;
        long zero = 0;
        for (int i = 0; i < pendingCount; i++) {
            double v = pending[i];
            if (v > largest) {
                return null;
            }
            if (v > smallest) {
                indexes[n++] = mapping.index(v);
            } else {
                zero++; // what the library counts as zero (values are never negative)
            }
        }
        Arrays.sort(indexes, 0, n);
        if (n > 0 && (long) indexes[n - 1] - indexes[0] + 1 > MAX_BINS) {
            return null;
        }
        BinWriter out = new BinWriter(64 + 4 * n);
        out.writeByte(FORMAT_V2);
        writeHeader(out);
        int countAt = out.beginStore();
        for (int i = 0; i < n; ) {
            int j = i + 1;
            while (j < n && indexes[j] == indexes[i]) {
                j++;
            }
            out.accept(indexes[i], j - i);
            i = j;
        }
        out.endStore(countAt);
        out.endStore(out.beginStore()); // no negative values
        out.writeVarLong(zero);
        return out.toByteArray();
    }

    /**
     * Bytes format 2 takes when most bins are next to each other with counts below 128 (two bytes a bin): sized up
     * front, the writer does not grow and copy its array several times for a large sketch. A dense store's range is
     * known without walking it.
     */
    private static int encodedSizeEstimate(DDSketch bins) {
        return 64 + binBytesEstimate(bins.getPositiveValueStore()) + binBytesEstimate(bins.getNegativeValueStore());
    }

    private static int binBytesEstimate(Store store) {
        return store.isEmpty() ? 0 : 16 + 2 * Math.min(MAX_BINS, store.getMaxIndex() - store.getMinIndex() + 1);
    }

    private void writeHeader(BinWriter out) {
        if (relativeAccuracy == DEFAULT_RELATIVE_ACCURACY) {
            out.writeByte(FLAG_DEFAULT_ACCURACY);
        } else {
            out.writeByte(FLAG_CUSTOM_ACCURACY);
            out.writeLongLE(Double.doubleToRawLongBits(relativeAccuracy));
        }
        out.writeLongLE(Double.doubleToRawLongBits(min));
        out.writeLongLE(Double.doubleToRawLongBits(max));
        out.writeLongLE(Double.doubleToRawLongBits(sum));
    }

    /** Format 1, the library's bin encoding, as written before format 2 (compatibility tests, the encoding benchmark). */
    public byte[] toBytesV1() {
        try {
            BinWriter header = new BinWriter(32);
            header.writeByte(FORMAT_V1);
            writeHeader(header);
            GrowingByteArrayOutput out = GrowingByteArrayOutput.withInitialCapacity(64);
            for (int i = 0; i < header.size; i++) {
                out.writeByte(header.bytes[i]);
            }
            sketch().encode(out, true);
            return out.trimmedCopy();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isWhole(double count) {
        return count >= 0 && count <= MAX_WHOLE_COUNT && (double) (long) count == count;
    }

    /** Largest count stored as an integer: every whole double up to 2^53 is exact. */
    private static final double MAX_WHOLE_COUNT = 9_007_199_254_740_992d;

    public static LatencySketch fromBytes(byte[] bytes) {
        if (bytes.length == 0) {
            throw new IllegalArgumentException("corrupt LatencySketch bytes: empty");
        }
        byte format = bytes[0];
        if (format != FORMAT_V1 && format != FORMAT_V2) {
            throw new IllegalArgumentException("unknown LatencySketch format " + format);
        }
        try {
            BinReader in = new BinReader(bytes, 1);
            byte flag = in.readByte();
            double accuracy = switch (flag) {
                case FLAG_DEFAULT_ACCURACY -> DEFAULT_RELATIVE_ACCURACY;
                case FLAG_CUSTOM_ACCURACY -> Double.longBitsToDouble(in.readLongLE());
                default -> throw new IOException("unknown accuracy flag " + flag);
            };
            if (!(accuracy > 0 && accuracy < 1)) {
                throw new IOException("relative accuracy " + accuracy);
            }
            double min = Double.longBitsToDouble(in.readLongLE());
            double max = Double.longBitsToDouble(in.readLongLE());
            double sum = Double.longBitsToDouble(in.readLongLE());
            DDSketch ddSketch;
            long count;
            if (format == FORMAT_V1) {
                ddSketch = DDSketch.decode(ByteArrayInput.wrap(bytes, in.position, bytes.length - in.position), STORES,
                        mapping(accuracy));
                count = Math.round(ddSketch.getCount());
            } else {
                Store positive = in.readStore();
                Store negative = in.readStore();
                long zero = in.readVarLong();
                ddSketch = DDSketch.of(mapping(accuracy), negative, positive, zero);
                count = Math.addExact(in.total, zero);
                in.expectEnd();
            }
            LatencySketch result = new LatencySketch(accuracy, ddSketch);
            result.min = min;
            result.max = max;
            result.sum = sum;
            result.count = count;
            return result;
        } catch (IOException | RuntimeException e) {
            // Short reads, bad varints and the library's own refusals (format 1) alike: the bytes are not a sketch.
            throw new IllegalArgumentException("corrupt LatencySketch bytes: " + e.getMessage(), e);
        }
    }

    /** Growable byte array with the few writes format 2 needs; no locking, no checked exceptions. */
    private static final class BinWriter implements BinAcceptor {
        private byte[] bytes;
        private int size;
        /** While a store is written: previous bin index, bins and their total so far, whether all counts are whole. */
        private int previous;
        private int bins;
        private long total;
        private boolean whole;

        BinWriter(int capacity) {
            bytes = new byte[capacity];
        }

        private void ensure(int more) {
            if (size + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
            }
        }

        void writeByte(int b) {
            ensure(1);
            bytes[size++] = (byte) b;
        }

        void writeLongLE(long v) {
            ensure(8);
            for (int i = 0; i < 8; i++) {
                bytes[size++] = (byte) (v >>> (8 * i));
            }
        }

        void writeVarLong(long v) {
            ensure(10);
            while ((v & ~0x7FL) != 0) {
                bytes[size++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            bytes[size++] = (byte) v;
        }

        /**
         * Writes the store's non-empty bins in one pass and returns their total count; -1 (and nothing usable
         * written) if a count is not whole. The bin count goes first but is only known at the end, so it is written
         * into three bytes kept for it: a varint padded with continuation bytes (at most 2^21 bins; a store holds at
         * most {@value LatencySketch#MAX_BINS}), which any varint reader reads.
         */
        long writeStore(Store store) {
            int countAt = beginStore();
            store.forEach(this);
            return endStore(countAt);
        }

        /** Keeps the three bytes of the bin count; the bins follow through {@link #accept}. */
        int beginStore() {
            int countAt = size;
            ensure(3);
            size += 3;
            bins = 0;
            total = 0;
            whole = true;
            return countAt;
        }

        /** Writes the bin count into the bytes {@link #beginStore} kept; see {@link #writeStore}. */
        long endStore(int countAt) {
            if (!whole || bins >= 1 << 21) {
                return -1;
            }
            bytes[countAt] = (byte) ((bins & 0x7F) | 0x80);
            bytes[countAt + 1] = (byte) (((bins >>> 7) & 0x7F) | 0x80);
            bytes[countAt + 2] = (byte) (bins >>> 14);
            return total;
        }

        @Override
        public void accept(int index, double count) {
            if (!whole || !isWhole(count)) {
                whole = false;
                return;
            }
            long c = (long) count;
            if (bins == 0) {
                writeVarLong(((long) index << 1) ^ ((long) index >> 63));
                writeVarLong(c);
            } else {
                writeBin((long) index - previous, c);
            }
            previous = index;
            bins++;
            total += c;
        }

        /** A gap and a count; most bins are next to the previous one and hold few values: two bytes. */
        private void writeBin(long gap, long count) {
            if ((gap | count) < 0x80) {
                ensure(2);
                bytes[size++] = (byte) gap;
                bytes[size++] = (byte) count;
            } else {
                writeVarLong(gap);
                writeVarLong(count);
            }
        }

        byte[] toByteArray() {
            return Arrays.copyOf(bytes, size);
        }
    }

    /** Reader of format 2 (and of the header both formats share). */
    private static final class BinReader {
        private final byte[] bytes;
        private int position;
        /** Sum of the bin counts read so far. */
        private long total;

        BinReader(byte[] bytes, int position) {
            this.bytes = bytes;
            this.position = position;
        }

        byte readByte() throws IOException {
            if (position >= bytes.length) {
                throw new IOException("truncated");
            }
            return bytes[position++];
        }

        long readLongLE() throws IOException {
            if (position + 8 > bytes.length) {
                throw new IOException("truncated");
            }
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v |= (bytes[position++] & 0xFFL) << (8 * i);
            }
            return v;
        }

        long readVarLong() throws IOException {
            long result = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                byte b = readByte();
                result |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return result;
                }
            }
            throw new IOException("varint too long");
        }

        /**
         * A store of the bins that follow. The outermost bins go in first, so the dense array is sized for the
         * whole range once instead of growing (copy and re-centre) bin by bin.
         */
        Store readStore() throws IOException {
            long n = readVarLong();
            if (n < 0 || n > bytes.length - position) {
                throw new IOException("bad bin count " + n);
            }
            int bins = (int) n;
            Store store = STORES.get();
            if (bins == 0) {
                return store;
            }
            int[] indexes = new int[bins];
            long[] counts = new long[bins];
            long zigzag = readVarLong();
            long index = (zigzag >>> 1) ^ -(zigzag & 1);
            for (int i = 0; i < bins; i++) {
                if (i > 0) {
                    long gap = readVarLong();
                    if (gap <= 0 || gap > 0xFFFF_FFFFL) {
                        throw new IOException("bad bin index gap " + gap);
                    }
                    index += gap;
                }
                if (index < Integer.MIN_VALUE || index > Integer.MAX_VALUE) {
                    throw new IOException("bin index out of range " + index);
                }
                long count = readVarLong();
                if (count <= 0) {
                    throw new IOException("bad bin count " + count);
                }
                indexes[i] = (int) index;
                counts[i] = count;
                total = Math.addExact(total, count);
            }
            store.add(indexes[bins - 1], (double) counts[bins - 1]);
            for (int i = 0; i < bins - 1; i++) {
                store.add(indexes[i], (double) counts[i]);
            }
            return store;
        }

        void expectEnd() throws IOException {
            if (position != bytes.length) {
                throw new IOException((bytes.length - position) + " bytes after the sketch");
            }
        }
    }

    /**
     * The DDSketch protobuf form (the {@code latencySketch} field of WindowMetrics), readable by any DDSketch
     * implementation, e.g. Java's {@code DDSketchProtoBinding} with protobuf-java. It carries bins only, not the exact
     * min, max and sum.
     */
    public byte[] toProtoBytes() {
        ByteBuffer buffer = sketch().serialize();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    @Override
    public String toString() {
        return "LatencySketch{count=" + count() + ", min=" + min() + ", max=" + max() + ", mean=" + mean() + "}";
    }
}
