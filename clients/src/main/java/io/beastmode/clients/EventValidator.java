package io.beastmode.clients;

import io.beastmode.analytics.v1.RoutingAck;
import io.beastmode.telemetry.v1.CacheEvent;
import io.beastmode.telemetry.v1.CacheTier;
import io.beastmode.telemetry.v1.CostEvent;
import io.beastmode.telemetry.v1.RequestEvent;
import io.beastmode.telemetry.v1.RequestStatus;
import io.beastmode.telemetry.v1.SelectionEvent;
import io.beastmode.telemetry.v1.SelectionEventKind;
import io.beastmode.telemetry.v1.SelectionReason;
import org.apache.avro.specific.SpecificRecord;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The contract rules the Avro schemas cannot express (non-empty ids, finite non-negative latencies and costs,
 * plausible event times, similarities in [0,1], ...). Checked before send so bad events fail at the producer, where
 * they can be fixed, instead of landing in the pipeline's DLQ.
 */
public final class EventValidator {
    /** Events older than this are surely a unit mistake (seconds instead of milliseconds). */
    public static final Instant DEFAULT_MIN_EVENT_TIME = Instant.parse("2015-01-01T00:00:00Z");
    public static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofHours(1);

    static {
        AvroTrust.ensure();
    }

    private final Instant minEventTime;
    private final Duration maxFutureSkew;
    private final Clock clock;

    public EventValidator() {
        this(DEFAULT_MIN_EVENT_TIME, DEFAULT_MAX_FUTURE_SKEW, Clock.systemUTC());
    }

    /**
     * @param minEventTime  earliest accepted event time
     * @param maxFutureSkew how far past the wall clock an event time may be (replays shifted to "now" need more)
     */
    public EventValidator(Instant minEventTime, Duration maxFutureSkew, Clock clock) {
        this.minEventTime = minEventTime;
        this.maxFutureSkew = maxFutureSkew;
        this.clock = clock;
    }

    /** Validates any of the four telemetry events or a {@link RoutingAck}; other types are refused. */
    public void validate(SpecificRecord event) {
        if (event == null) {
            throw new InvalidEventException("event", "value", "must not be null");
        }
        if (event instanceof RequestEvent e) {
            validate(e);
        } else if (event instanceof CacheEvent e) {
            validate(e);
        } else if (event instanceof SelectionEvent e) {
            validate(e);
        } else if (event instanceof CostEvent e) {
            validate(e);
        } else if (event instanceof RoutingAck e) {
            validate(e);
        } else {
            throw new InvalidEventException(event.getClass().getSimpleName(), "type",
                    "is not a telemetry event (RequestEvent, CacheEvent, SelectionEvent, CostEvent)");
        }
    }

    public void validate(RequestEvent e) {
        String t = "RequestEvent";
        common(t, e.getEventId(), e.getRequestId(), e.getEventTime(), e.getTenant(), e.getRequestType());
        nonBlank(t, "requestedModel", e.getRequestedModel());
        nonBlank(t, "servedModel", e.getServedModel());
        nonBlank(t, "provider", e.getProvider());
        nonBlank(t, "gatewayNode", e.getGatewayNode());
        notNull(t, "status", e.getStatus());
        if (e.getStatus() != RequestStatus.OK) {
            nonBlank(t, "errorClass", e.getErrorClass());
        }
        nonNegative(t, "latencyMs", e.getLatencyMs());
        if (e.getTimeToFirstTokenMs() != null) {
            nonNegative(t, "timeToFirstTokenMs", e.getTimeToFirstTokenMs());
            if (e.getTimeToFirstTokenMs() > e.getLatencyMs()) {
                throw new InvalidEventException(t, "timeToFirstTokenMs",
                        "must not exceed latencyMs (" + e.getTimeToFirstTokenMs() + " > " + e.getLatencyMs() + ")" + id(e.getRequestId()));
            }
        }
        nonNegative(t, "inputTokens", e.getInputTokens());
        nonNegative(t, "outputTokens", e.getOutputTokens());
    }

    public void validate(CacheEvent e) {
        String t = "CacheEvent";
        common(t, e.getEventId(), e.getRequestId(), e.getEventTime(), e.getTenant(), e.getRequestType());
        notNull(t, "tier", e.getTier());
        notNull(t, "outcome", e.getOutcome());
        nonBlank(t, "namespace", e.getNamespace());
        nonBlank(t, "keyHash", e.getKeyHash());
        nonNegative(t, "lookupLatencyMs", e.getLookupLatencyMs());
        if (e.getSimilarity() != null) {
            unit(t, "similarity", e.getSimilarity());
        }
        if (e.getThreshold() != null) {
            unit(t, "threshold", e.getThreshold());
        }
        if (e.getTier() != CacheTier.SEMANTIC && (e.getSimilarity() != null || e.getThreshold() != null)) {
            throw new InvalidEventException(t, "similarity", "is only meaningful for the SEMANTIC tier (tier was " + e.getTier() + ")");
        }
        if (e.getEntryAgeMs() != null) {
            nonNegative(t, "entryAgeMs", e.getEntryAgeMs());
        }
        if (e.getTtlMs() != null) {
            nonNegative(t, "ttlMs", e.getTtlMs());
        }
        nonNegative(t, "tokensSaved", e.getTokensSaved());
    }

    public void validate(SelectionEvent e) {
        String t = "SelectionEvent";
        common(t, e.getEventId(), e.getRequestId(), e.getEventTime(), e.getTenant(), e.getRequestType());
        notNull(t, "kind", e.getKind());
        nonBlank(t, "policyVersion", e.getPolicyVersion());
        nonBlank(t, "selectedModel", e.getSelectedModel());
        nonBlank(t, "baselineModel", e.getBaselineModel());
        notNull(t, "reason", e.getReason());
        List<String> candidates = e.getCandidateModels();
        notNull(t, "candidateModels", candidates);
        if (e.getKind() == SelectionEventKind.SELECTION) {
            if (candidates.isEmpty()) {
                throw new InvalidEventException(t, "candidateModels", "must not be empty for a SELECTION" + id(e.getRequestId()));
            }
            boolean listed = candidates.stream().anyMatch(c -> e.getSelectedModel().equals(c));
            if (!listed) {
                throw new InvalidEventException(t, "selectedModel", "'" + e.getSelectedModel() + "' is not among candidateModels " + candidates + id(e.getRequestId()));
            }
        }
        for (int i = 0; i < candidates.size(); i++) {
            nonBlank(t, "candidateModels[" + i + "]", candidates.get(i));
        }
        if (e.getReason() == SelectionReason.PROPOSAL) {
            nonBlank(t, "proposalId", e.getProposalId());
        }
        if (e.getPredictedQuality() != null) {
            unit(t, "predictedQuality", e.getPredictedQuality());
        }
        if (e.getObservedQuality() != null) {
            unit(t, "observedQuality", e.getObservedQuality());
        }
        if (e.getKind() == SelectionEventKind.QUALITY_FEEDBACK && e.getObservedQuality() == null) {
            throw new InvalidEventException(t, "observedQuality", "is required for QUALITY_FEEDBACK" + id(e.getRequestId()));
        }
        Map<String, Double> qualities = e.getCandidateQualities();
        notNull(t, "candidateQualities", qualities);
        for (Map.Entry<String, Double> q : qualities.entrySet()) {
            notNull(t, "candidateQualities[" + q.getKey() + "]", q.getValue());
            unit(t, "candidateQualities[" + q.getKey() + "]", q.getValue());
        }
    }

    public void validate(CostEvent e) {
        String t = "CostEvent";
        common(t, e.getEventId(), e.getRequestId(), e.getEventTime(), e.getTenant(), e.getRequestType());
        nonBlank(t, "model", e.getModel());
        nonNegative(t, "inputTokens", e.getInputTokens());
        nonNegative(t, "outputTokens", e.getOutputTokens());
        nonNegative(t, "costUsd", e.getCostUsd());
        if (e.getBaselineCostUsd() != null) {
            nonNegative(t, "baselineCostUsd", e.getBaselineCostUsd());
        }
        if (e.getBudgetLimitUsd() != null) {
            nonNegative(t, "budgetLimitUsd", e.getBudgetLimitUsd());
            nonBlank(t, "budgetId", e.getBudgetId());
        }
        if (e.getBudgetPeriodStart() != null && e.getBudgetPeriodStart() > e.getEventTime()) {
            throw new InvalidEventException(t, "budgetPeriodStart", "must not be after eventTime ("
                    + e.getBudgetPeriodStart() + " > " + e.getEventTime() + ")" + id(e.getRequestId()));
        }
    }

    public void validate(RoutingAck e) {
        String t = "RoutingAck";
        nonBlank(t, "proposalId", e.getProposalId());
        notNull(t, "status", e.getStatus());
        nonBlank(t, "routerId", e.getRouterId());
        eventTime(t, "at", e.getAt(), "");
        if (e.getRolloutShare() != null) {
            unit(t, "rolloutShare", e.getRolloutShare());
        }
    }

    private void common(String t, CharSequence eventId, CharSequence requestId, long eventTime, CharSequence tenant,
                        CharSequence requestType) {
        nonBlank(t, "eventId", eventId);
        nonBlank(t, "requestId", requestId);
        String id = id(requestId);
        eventTime(t, "eventTime", eventTime, id);
        nonBlank(t, "tenant", tenant);
        nonBlank(t, "requestType", requestType);
    }

    private void eventTime(String t, String field, long time, String id) {
        if (time < minEventTime.toEpochMilli()) {
            throw new InvalidEventException(t, field, "is implausibly old: " + time + " (" + Instant.ofEpochMilli(time)
                    + ") is before " + minEventTime + "; epoch milliseconds expected" + id);
        }
        long latest = clock.millis() + maxFutureSkew.toMillis();
        if (time > latest) {
            throw new InvalidEventException(t, field, "is in the future: " + Instant.ofEpochMilli(time)
                    + " is more than " + maxFutureSkew + " past the clock" + id);
        }
    }

    private static String id(CharSequence requestId) {
        return requestId == null ? "" : " [requestId=" + requestId + "]";
    }

    private static void notNull(String t, String field, Object value) {
        if (value == null) {
            throw new InvalidEventException(t, field, "is required (was null)");
        }
    }

    private static void nonBlank(String t, String field, CharSequence value) {
        if (value == null || value.toString().isBlank()) {
            throw new InvalidEventException(t, field, "must be a non-empty string (was " + (value == null ? "null" : "'" + value + "'") + ")");
        }
    }

    private static void nonNegative(String t, String field, double value) {
        if (!Double.isFinite(value) || value < 0) {
            throw new InvalidEventException(t, field, "must be finite and >= 0 (was " + value + ")");
        }
    }

    private static void nonNegative(String t, String field, long value) {
        if (value < 0) {
            throw new InvalidEventException(t, field, "must be >= 0 (was " + value + ")");
        }
    }

    private static void unit(String t, String field, double value) {
        if (!Double.isFinite(value) || value < 0 || value > 1) {
            throw new InvalidEventException(t, field, "must be in [0,1] (was " + value + ")");
        }
    }
}
