package io.beastmode.processors.metrics;

/**
 * One completed gateway request, as the topology maps it from the telemetry event.
 *
 * @param errorClass error class when {@code error}; the mapper fills in the status name when the event has no class,
 *                   and a null here is counted under {@code "UNKNOWN"}
 * @param timeToFirstTokenMs null when the request did not stream or did not report it
 */
public record RequestObservation(long eventTimeMs, String tenant, String requestType, String model, boolean error,
                                 String errorClass, double latencyMs, Double timeToFirstTokenMs, int inputTokens,
                                 int outputTokens) {
}
