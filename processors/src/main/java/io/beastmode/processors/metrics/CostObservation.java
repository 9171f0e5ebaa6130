package io.beastmode.processors.metrics;

/**
 * Cost of one request.
 *
 * @param baselineCostUsd     what the request would have cost on its baseline model; null counts as {@code costUsd}
 * @param budgetLimitUsd      tenant budget limit in force, nullable
 * @param budgetPeriodStartMs start of that budget period, nullable
 */
public record CostObservation(long eventTimeMs, String tenant, String model, double costUsd, Double baselineCostUsd,
                              Double budgetLimitUsd, Long budgetPeriodStartMs) {
}
