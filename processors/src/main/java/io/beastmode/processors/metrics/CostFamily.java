package io.beastmode.processors.metrics;

import io.beastmode.processors.metrics.MetricsSnapshot.CostStats;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Spend of one window and key.
 *
 * <p>Budget: the limit and period start reported by the latest cost event (by event time; on equal times the larger
 * value, so merges are order-independent). Utilization is approximated with the spend of this window only (the
 * aggregate does not see earlier windows of the period), i.e. a lower bound of spend-in-period / limit. Callers that
 * keep a running period total can use {@link WindowAggregate#budgetUtilization(double)}.
 */
final class CostFamily {

    static final double MS_PER_HOUR = 3_600_000.0;

    long requests;
    double spendUsd;
    double baselineSpendUsd;
    long budgetSeenAtMs = Long.MIN_VALUE;
    Double budgetLimitUsd;
    Long budgetPeriodStartMs;

    void add(CostObservation c) {
        requests++;
        spendUsd += c.costUsd();
        // A request without a baseline is priced as itself, so it neither adds nor hides savings.
        baselineSpendUsd += c.baselineCostUsd() == null ? c.costUsd() : c.baselineCostUsd();
        if (c.budgetLimitUsd() != null) {
            takeBudget(c.eventTimeMs(), c.budgetLimitUsd(), c.budgetPeriodStartMs());
        }
    }

    private void takeBudget(long atMs, Double limit, Long periodStart) {
        boolean newer = atMs > budgetSeenAtMs
                || atMs == budgetSeenAtMs && (budgetLimitUsd == null || limit > budgetLimitUsd);
        if (newer) {
            budgetSeenAtMs = atMs;
            budgetLimitUsd = limit;
            budgetPeriodStartMs = periodStart;
        }
    }

    void merge(CostFamily other) {
        requests += other.requests;
        spendUsd += other.spendUsd;
        baselineSpendUsd += other.baselineSpendUsd;
        if (other.budgetLimitUsd != null) {
            takeBudget(other.budgetSeenAtMs, other.budgetLimitUsd, other.budgetPeriodStartMs);
        }
    }

    CostFamily copy() {
        CostFamily copy = new CostFamily();
        copy.merge(this);
        return copy;
    }

    Double utilization(double periodSpendUsd) {
        return budgetLimitUsd == null || budgetLimitUsd <= 0 ? null : periodSpendUsd / budgetLimitUsd;
    }

    CostStats stats(long windowSizeMs) {
        double savings = baselineSpendUsd - spendUsd;
        return new CostStats(requests, spendUsd, spendUsd / requests, baselineSpendUsd, savings,
                baselineSpendUsd == 0 ? 0.0 : savings / baselineSpendUsd * 100.0, budgetLimitUsd,
                utilization(spendUsd), spendUsd * MS_PER_HOUR / windowSizeMs);
    }

    void write(DataOutput out) throws IOException {
        Codec.writeVarLong(out, requests);
        out.writeDouble(spendUsd);
        out.writeDouble(baselineSpendUsd);
        out.writeBoolean(budgetLimitUsd != null);
        if (budgetLimitUsd != null) {
            out.writeLong(budgetSeenAtMs);
            out.writeDouble(budgetLimitUsd);
            out.writeBoolean(budgetPeriodStartMs != null);
            if (budgetPeriodStartMs != null) {
                out.writeLong(budgetPeriodStartMs);
            }
        }
    }

    static CostFamily read(DataInput in) throws IOException {
        CostFamily f = new CostFamily();
        f.requests = Codec.readVarLong(in);
        f.spendUsd = in.readDouble();
        f.baselineSpendUsd = in.readDouble();
        if (in.readBoolean()) {
            f.budgetSeenAtMs = in.readLong();
            f.budgetLimitUsd = in.readDouble();
            f.budgetPeriodStartMs = in.readBoolean() ? in.readLong() : null;
        }
        return f;
    }
}
