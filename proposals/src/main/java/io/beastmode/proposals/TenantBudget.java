package io.beastmode.proposals;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.Objects;

/**
 * A tenant's budget as the cost events declare it ({@code budgetLimitUsd}, {@code budgetPeriod},
 * {@code budgetPeriodStart}); {@code MetricsSnapshot.CostStats} carries the limit but not the period, so the topology
 * passes this when it knows it. Without it the BUDGET rule assumes the configured default period, calendar-aligned.
 */
public record TenantBudget(String tenant, double limitUsd, Period period, long periodStartMs) {

    /** Budget periods, UTC calendar, as {@code BudgetPeriod} of {@code CostEvent.avsc}. */
    public enum Period {
        HOUR, DAY, WEEK, MONTH;

        /** Start of the calendar period containing {@code timeMs}. */
        public long startOf(long timeMs) {
            ZonedDateTime t = Instant.ofEpochMilli(timeMs).atZone(ZoneOffset.UTC);
            ZonedDateTime start = switch (this) {
                case HOUR -> t.truncatedTo(ChronoUnit.HOURS);
                case DAY -> t.truncatedTo(ChronoUnit.DAYS);
                case WEEK -> t.truncatedTo(ChronoUnit.DAYS).with(TemporalAdjusters.previousOrSame(java.time.DayOfWeek.MONDAY));
                case MONTH -> t.truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1);
            };
            return start.toInstant().toEpochMilli();
        }

        /** End (exclusive) of the period that starts at {@code periodStartMs}. */
        public long endOf(long periodStartMs) {
            ZonedDateTime s = Instant.ofEpochMilli(periodStartMs).atZone(ZoneOffset.UTC);
            ZonedDateTime end = switch (this) {
                case HOUR -> s.plusHours(1);
                case DAY -> s.plusDays(1);
                case WEEK -> s.plusWeeks(1);
                case MONTH -> s.plusMonths(1);
            };
            return end.toInstant().toEpochMilli();
        }
    }

    public TenantBudget {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(period, "period");
    }

    public long periodEndMs() {
        return period.endOf(periodStartMs);
    }
}
