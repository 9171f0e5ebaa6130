package io.beastmode.topology.decode;

import io.beastmode.analytics.v1.Dimension;
import io.beastmode.processors.metrics.CacheObservation;
import io.beastmode.processors.metrics.CostObservation;
import io.beastmode.processors.metrics.RequestObservation;
import io.beastmode.processors.metrics.SelectionObservation;
import io.beastmode.telemetry.v1.CacheEvent;
import io.beastmode.telemetry.v1.CostEvent;
import io.beastmode.telemetry.v1.RequestEvent;
import io.beastmode.telemetry.v1.RequestStatus;
import io.beastmode.telemetry.v1.SelectionEvent;
import io.beastmode.telemetry.v1.SelectionEventKind;
import io.beastmode.telemetry.v1.SelectionReason;
import io.beastmode.topology.config.PipelineConfig;
import io.beastmode.topology.dlq.DlqReason;
import io.beastmode.topology.model.Decoded;
import io.beastmode.topology.model.DimensionKeys;
import io.beastmode.topology.model.Observation;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Validates decoded telemetry and maps it to processor observations plus the dimension keys it fans out to. Every
 * rule here is one the aggregates rely on (a NaN latency would poison a sketch, an empty model would make a
 * meaningless series); a failure throws {@link InvalidEventException} with a {@link DlqReason} code.
 *
 * <p>Fan-out per kind: requests, selections and costs go to ALL, REQUEST_TYPE, MODEL, REQUEST_TYPE_MODEL and TENANT;
 * cache lookups (which name no model) to ALL, REQUEST_TYPE, TENANT and CACHE_TIER_NAMESPACE.
 *
 * <p>Not thread-safe: one mapper per task (it caches the dimension keys of the combinations it has seen).
 */
public final class EventMapper {

    /** Longer strings are refused: they would bloat every key and store entry (and Java's UTF form stops at 64 KB). */
    static final int MAX_STRING_LENGTH = 512;

    private final long minEventTimeMs;
    private final long maxFutureSkewMs;
    private final double usdPerSavedToken;
    /**
     * Dimension keys by the (request type, model, tenant) or (request type, tenant, tier, namespace) they are built
     * from: an event then fans out to shared strings whose hashes are already computed, instead of five new strings
     * that the partial windows' map hashes and compares in full, per event. Cleared when full (seen combinations are
     * few: models times request types times tenants).
     */
    private final Map<List<String>, List<String>> keysByParts = new HashMap<>();
    static final int MAX_CACHED_KEY_LISTS = 8192;

    public EventMapper(Instant minEventTime, long maxFutureSkewMs, double usdPerMillionTokensSaved) {
        this.minEventTimeMs = minEventTime.toEpochMilli();
        this.maxFutureSkewMs = maxFutureSkewMs;
        this.usdPerSavedToken = usdPerMillionTokensSaved / 1_000_000.0;
    }

    public static EventMapper of(PipelineConfig config) {
        return new EventMapper(config.minEventTime(), config.maxFutureSkew().toMillis(),
                config.cacheUsdPerMillionTokensSaved());
    }

    /** Maps any of the four telemetry records; {@code nowMs} is wall-clock time, for the future-skew check. */
    public Decoded map(Object event, long nowMs) {
        if (event instanceof RequestEvent r) {
            return request(r, nowMs);
        } else if (event instanceof CacheEvent c) {
            return cache(c, nowMs);
        } else if (event instanceof SelectionEvent s) {
            return selection(s, nowMs);
        } else if (event instanceof CostEvent c) {
            return cost(c, nowMs);
        }
        throw new InvalidEventException(DlqReason.DECODE_ERROR,
                "unexpected record type " + (event == null ? "null" : event.getClass().getName()));
    }

    public Decoded request(RequestEvent e, long nowMs) {
        Header h = header(e.getEventTime(), e.getEventId(), e.getRequestId(), e.getTenant(), e.getRequestType(), nowMs);
        long t = h.eventTime();
        String tenant = h.tenant();
        String type = h.requestType();
        String model = required("servedModel", e.getServedModel());
        latency("latencyMs", e.getLatencyMs());
        if (e.getTimeToFirstTokenMs() != null) {
            latency("timeToFirstTokenMs", e.getTimeToFirstTokenMs());
        }
        nonNegative("inputTokens", e.getInputTokens());
        nonNegative("outputTokens", e.getOutputTokens());
        boolean error = e.getStatus() != RequestStatus.OK;
        String errorClass = null;
        if (error) {
            String c = optional("errorClass", e.getErrorClass());
            errorClass = c == null || c.isBlank() ? e.getStatus().name() : c;
        }
        RequestObservation o = new RequestObservation(t, tenant, type, model, error, errorClass, e.getLatencyMs(),
                e.getTimeToFirstTokenMs(), e.getInputTokens(), e.getOutputTokens());
        return Decoded.valid(Observation.of(o), modelKeys(type, model, tenant));
    }

    public Decoded cache(CacheEvent e, long nowMs) {
        Header h = header(e.getEventTime(), e.getEventId(), e.getRequestId(), e.getTenant(), e.getRequestType(), nowMs);
        long t = h.eventTime();
        String tenant = h.tenant();
        String type = h.requestType();
        String namespace = required("namespace", e.getNamespace());
        latency("lookupLatencyMs", e.getLookupLatencyMs());
        unitInterval("similarity", e.getSimilarity());
        unitInterval("threshold", e.getThreshold());
        nonNegative("tokensSaved", e.getTokensSaved());
        String keyHash = optional("keyHash", e.getKeyHash());
        String tier = e.getTier().name();
        CacheObservation o = new CacheObservation(t, tier, namespace, e.getOutcome().name(), e.getLookupLatencyMs(),
                e.getSimilarity(), e.getThreshold(), e.getTokensSaved(), e.getTokensSaved() * usdPerSavedToken,
                keyHash == null || keyHash.isEmpty() ? null : keyHash);
        return Decoded.valid(Observation.of(o), cacheKeys(type, tenant, tier, namespace));
    }

    /**
     * Selection decisions only. QUALITY_FEEDBACK events would count as extra decisions in the selection family
     * (it has no notion of a late judgement), so they are rejected here as {@code null} and counted by the caller.
     */
    public Decoded selection(SelectionEvent e, long nowMs) {
        Header h = header(e.getEventTime(), e.getEventId(), e.getRequestId(), e.getTenant(), e.getRequestType(), nowMs);
        long t = h.eventTime();
        String tenant = h.tenant();
        String type = h.requestType();
        String model = required("selectedModel", e.getSelectedModel());
        unitInterval("observedQuality", e.getObservedQuality());
        unitInterval("predictedQuality", e.getPredictedQuality());
        Map<String, Double> candidates = new HashMap<>();
        if (e.getCandidateQualities() != null) {
            for (Map.Entry<? extends CharSequence, Double> q : e.getCandidateQualities().entrySet()) {
                unitInterval("candidateQualities", q.getValue());
                candidates.put(q.getKey().toString(), q.getValue());
            }
        }
        if (e.getKind() == SelectionEventKind.QUALITY_FEEDBACK) {
            return null;
        }
        SelectionObservation o = new SelectionObservation(t, type, model, e.getReason() == SelectionReason.FALLBACK,
                e.getObservedQuality(), candidates);
        return Decoded.valid(Observation.of(o), modelKeys(type, model, tenant));
    }

    public Decoded cost(CostEvent e, long nowMs) {
        Header h = header(e.getEventTime(), e.getEventId(), e.getRequestId(), e.getTenant(), e.getRequestType(), nowMs);
        long t = h.eventTime();
        String tenant = h.tenant();
        String type = h.requestType();
        String model = required("model", e.getModel());
        cost("costUsd", e.getCostUsd());
        if (e.getBaselineCostUsd() != null) {
            cost("baselineCostUsd", e.getBaselineCostUsd());
        }
        if (e.getBudgetLimitUsd() != null) {
            cost("budgetLimitUsd", e.getBudgetLimitUsd());
        }
        nonNegative("inputTokens", e.getInputTokens());
        nonNegative("outputTokens", e.getOutputTokens());
        CostObservation o = new CostObservation(t, tenant, model, e.getCostUsd(), e.getBaselineCostUsd(),
                e.getBudgetLimitUsd(), e.getBudgetPeriodStart());
        return Decoded.valid(Observation.of(o), modelKeys(type, model, tenant));
    }

    /** Fields every telemetry event has, validated the same way. */
    private record Header(long eventTime, String tenant, String requestType) {
    }

    private Header header(long eventTime, CharSequence eventId, CharSequence requestId, CharSequence tenant,
                          CharSequence requestType, long nowMs) {
        long t = eventTime(eventTime, nowMs);
        required("eventId", eventId);
        required("requestId", requestId);
        return new Header(t, required("tenant", tenant), required("requestType", requestType));
    }

    private List<String> modelKeys(String type, String model, String tenant) {
        List<String> parts = List.of(type, model, tenant);
        List<String> keys = keysByParts.get(parts);
        return keys != null ? keys : remember(parts, List.of(
                DimensionKeys.ALL,
                DimensionKeys.key(Dimension.REQUEST_TYPE, type),
                DimensionKeys.key(Dimension.MODEL, model),
                DimensionKeys.key(Dimension.REQUEST_TYPE_MODEL, DimensionKeys.join(type, model)),
                DimensionKeys.key(Dimension.TENANT, tenant)));
    }

    /** The parts list has four elements, model keys' three: the two kinds of lists never collide. */
    private List<String> cacheKeys(String type, String tenant, String tier, String namespace) {
        List<String> parts = List.of(type, tenant, tier, namespace);
        List<String> keys = keysByParts.get(parts);
        return keys != null ? keys : remember(parts, List.of(
                DimensionKeys.ALL,
                DimensionKeys.key(Dimension.REQUEST_TYPE, type),
                DimensionKeys.key(Dimension.TENANT, tenant),
                DimensionKeys.key(Dimension.CACHE_TIER_NAMESPACE, DimensionKeys.join(tier, namespace))));
    }

    private List<String> remember(List<String> parts, List<String> keys) {
        if (keysByParts.size() >= MAX_CACHED_KEY_LISTS) {
            keysByParts.clear();
        }
        keys.forEach(String::hashCode); // computed once, kept in each string
        keysByParts.put(parts, keys);
        return keys;
    }

    private long eventTime(long t, long nowMs) {
        if (t < minEventTimeMs || t > nowMs + maxFutureSkewMs) {
            throw new InvalidEventException(DlqReason.EVENT_TIME_OUT_OF_RANGE, "eventTime " + t + " ("
                    + Instant.ofEpochMilli(t) + ") outside [" + Instant.ofEpochMilli(minEventTimeMs) + ", now + "
                    + maxFutureSkewMs + " ms = " + Instant.ofEpochMilli(nowMs + maxFutureSkewMs) + "]");
        }
        return t;
    }

    private static String required(String field, CharSequence value) {
        if (value == null || value.toString().isBlank()) {
            throw new InvalidEventException(DlqReason.MISSING_FIELD, "required field '" + field + "' is empty");
        }
        return length(field, value.toString());
    }

    private static String optional(String field, CharSequence value) {
        return value == null ? null : length(field, value.toString());
    }

    private static String length(String field, String s) {
        if (s.length() > MAX_STRING_LENGTH) {
            throw new InvalidEventException(DlqReason.INVALID_VALUE, "field '" + field + "' has " + s.length()
                    + " characters, more than " + MAX_STRING_LENGTH);
        }
        return s;
    }

    private static void latency(String field, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new InvalidEventException(DlqReason.INVALID_LATENCY, field + " must be finite and >= 0, was " + v);
        }
    }

    private static void cost(String field, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new InvalidEventException(DlqReason.INVALID_COST, field + " must be finite and >= 0, was " + v);
        }
    }

    private static void nonNegative(String field, long v) {
        if (v < 0) {
            throw new InvalidEventException(DlqReason.INVALID_VALUE, field + " must be >= 0, was " + v);
        }
    }

    private static void unitInterval(String field, Double v) {
        if (v != null && !(v >= 0 && v <= 1)) {
            throw new InvalidEventException(DlqReason.INVALID_VALUE, field + " must be in [0,1], was " + v);
        }
    }
}
