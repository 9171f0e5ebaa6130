package io.beastmode.processors.metrics;

import io.beastmode.processors.metrics.MetricsSnapshot.CostStats;

import io.beastmode.processors.io.ByteArrayDataOutput;
import io.beastmode.processors.io.UnsyncByteStreams;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;

/**
 * All metric families of one dimension key over one window, in a mergeable form: counters, DDSketches (merged bin by
 * bin, never by averaging percentiles) and small bounded maps. The topology folds observations in with the
 * {@code add*} methods, keeps {@link #toBytes()} in its store and turns the final state into a {@link MetricsSnapshot}.
 *
 * <p>Counts and quantiles of a merge equal those of one aggregate fed every event; floating-point sums (spend, mean)
 * may differ in the last bits with the merge order. Families that saw no events are absent and cost no bytes.
 * Not thread-safe.
 */
public final class WindowAggregate {

    public static final double DEFAULT_QUALITY_TOLERANCE = 0.05;
    private static final byte FORMAT_V1 = 1;
    private static final int HAS_REQUESTS = 1;
    private static final int HAS_CACHE = 2;
    private static final int HAS_SELECTION = 4;
    private static final int HAS_COST = 8;

    private final double qualityTolerance;
    private RequestFamily requests;
    private CacheFamily cache;
    private SelectionFamily selection;
    private CostFamily cost;

    public WindowAggregate() {
        this(DEFAULT_QUALITY_TOLERANCE);
    }

    /** @param qualityTolerance a decision is accurate when its quality >= best candidate quality - tolerance */
    public WindowAggregate(double qualityTolerance) {
        if (!(qualityTolerance >= 0) || Double.isInfinite(qualityTolerance)) {
            throw new IllegalArgumentException("quality tolerance must be finite and >= 0: " + qualityTolerance);
        }
        this.qualityTolerance = qualityTolerance;
    }

    public double qualityTolerance() {
        return qualityTolerance;
    }

    public WindowAggregate addRequest(RequestObservation r) {
        if (requests == null) {
            requests = new RequestFamily();
        }
        requests.add(r);
        return this;
    }

    public WindowAggregate addCache(CacheObservation c) {
        if (cache == null) {
            cache = new CacheFamily();
        }
        cache.add(c);
        return this;
    }

    public WindowAggregate addSelection(SelectionObservation s) {
        if (selection == null) {
            selection = new SelectionFamily();
        }
        selection.add(s, qualityTolerance);
        return this;
    }

    public WindowAggregate addCost(CostObservation c) {
        if (cost == null) {
            cost = new CostFamily();
        }
        cost.add(c);
        return this;
    }

    /**
     * Merges {@code other} into this aggregate and returns this (Kafka aggregator style); {@code other} is not
     * changed and shares no state with the result. Both must judge selections with the same tolerance.
     */
    public WindowAggregate merge(WindowAggregate other) {
        if (other.qualityTolerance != qualityTolerance) {
            throw new IllegalArgumentException("cannot merge aggregates with quality tolerances " + qualityTolerance
                    + " and " + other.qualityTolerance);
        }
        requests = mergeFamily(requests, other.requests, RequestFamily::copy, RequestFamily::merge);
        cache = mergeFamily(cache, other.cache, CacheFamily::copy, CacheFamily::merge);
        selection = mergeFamily(selection, other.selection, SelectionFamily::copy, SelectionFamily::merge);
        cost = mergeFamily(cost, other.cost, CostFamily::copy, CostFamily::merge);
        return this;
    }

    /** Copies rather than aliases the other side's family, so later adds to this never leak into {@code other}. */
    private static <F> F mergeFamily(F mine, F theirs, UnaryOperator<F> copy, BiConsumer<F, F> merge) {
        if (theirs == null) {
            return mine;
        }
        if (mine == null) {
            return copy.apply(theirs);
        }
        merge.accept(mine, theirs);
        return mine;
    }

    /** A deep copy. */
    public WindowAggregate copy() {
        return new WindowAggregate(qualityTolerance).merge(this);
    }

    public boolean isEmpty() {
        return requests == null && cache == null && selection == null && cost == null;
    }

    /** Request events folded in so far. */
    public long requestCount() {
        return requests == null ? 0 : requests.count;
    }

    /** Copy of the request latency sketch (empty when no requests), e.g. to merge across keys outside a window. */
    public LatencySketch latencySketch() {
        return requests == null ? new LatencySketch() : requests.latency.copy();
    }

    /**
     * Budget utilization for a caller that tracks the spend of the whole budget period (e.g. a per-tenant running
     * total): periodSpend / the latest budget limit; null without a positive limit.
     */
    public Double budgetUtilization(double periodSpendUsd) {
        return cost == null ? null : cost.utilization(periodSpendUsd);
    }

    /** The latest budget period start reported by a cost event, null when none. */
    public Long budgetPeriodStartMs() {
        return cost == null ? null : cost.budgetPeriodStartMs;
    }

    /**
     * Computes the metrics for the window [windowStartMs, windowEndMs). Rates per second and per hour use that length.
     * Budget utilization is window spend / limit (see {@link #budgetUtilization(double)} for the period-wide figure).
     */
    public MetricsSnapshot snapshot(long windowStartMs, long windowEndMs) {
        long sizeMs = windowEndMs - windowStartMs;
        if (sizeMs <= 0) {
            throw new IllegalArgumentException("window end must be after its start: " + windowStartMs + ".."
                    + windowEndMs);
        }
        boolean hasRequests = requests != null && requests.count > 0;
        CostStats costStats = cost == null ? null : cost.stats(sizeMs);
        return new MetricsSnapshot(windowStartMs, windowEndMs,
                hasRequests ? requests.requestStats(sizeMs / 1000.0) : RequestFamily.emptyRequestStats(),
                hasRequests ? RequestFamily.latencyStats(requests.latency) : null,
                hasRequests ? RequestFamily.latencyStats(requests.timeToFirstToken) : null,
                hasRequests ? requests.latency.toProtoBytes() : null,
                cache == null ? null : cache.stats(),
                selection == null ? null : selection.stats(),
                costStats,
                hasRequests ? requests.usageStats() : null);
    }

    /** Versioned compact binary form: format byte, tolerance, a bit set of present families, then each family. */
    public byte[] toBytes() {
        try {
            ByteArrayDataOutput out = new ByteArrayDataOutput(256);
            out.writeByte(FORMAT_V1);
            out.writeDouble(qualityTolerance);
            int present = (requests != null ? HAS_REQUESTS : 0) | (cache != null ? HAS_CACHE : 0)
                    | (selection != null ? HAS_SELECTION : 0) | (cost != null ? HAS_COST : 0);
            out.writeByte(present);
            if (requests != null) {
                requests.write(out);
            }
            if (cache != null) {
                cache.write(out);
            }
            if (selection != null) {
                selection.write(out);
            }
            if (cost != null) {
                cost.write(out);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in-memory streams do not fail
        }
    }

    public static WindowAggregate fromBytes(byte[] bytes) {
        return fromBytes(bytes, 0, bytes.length);
    }

    /** Reads the form {@link #toBytes()} wrote from {@code length} bytes of {@code bytes} at {@code offset}. */
    public static WindowAggregate fromBytes(byte[] bytes, int offset, int length) {
        try {
            DataInputStream in = new DataInputStream(new UnsyncByteStreams.Input(bytes, offset, length));
            byte format = in.readByte();
            if (format != FORMAT_V1) {
                throw new IllegalArgumentException("unknown WindowAggregate format " + format);
            }
            WindowAggregate a = new WindowAggregate(in.readDouble());
            int present = in.readUnsignedByte();
            if ((present & HAS_REQUESTS) != 0) {
                a.requests = RequestFamily.read(in);
            }
            if ((present & HAS_CACHE) != 0) {
                a.cache = CacheFamily.read(in);
            }
            if ((present & HAS_SELECTION) != 0) {
                a.selection = SelectionFamily.read(in);
            }
            if ((present & HAS_COST) != 0) {
                a.cost = CostFamily.read(in);
            }
            if (in.available() > 0) {
                throw new IllegalArgumentException("trailing bytes after WindowAggregate");
            }
            return a;
        } catch (IOException e) {
            throw new IllegalArgumentException("corrupt WindowAggregate bytes", e);
        }
    }
}
