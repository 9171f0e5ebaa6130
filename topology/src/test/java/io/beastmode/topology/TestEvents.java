package io.beastmode.topology;

import io.beastmode.telemetry.v1.BudgetPeriod;
import io.beastmode.telemetry.v1.CacheEvent;
import io.beastmode.telemetry.v1.CacheOutcome;
import io.beastmode.telemetry.v1.CacheTier;
import io.beastmode.telemetry.v1.CostEvent;
import io.beastmode.telemetry.v1.RequestEvent;
import io.beastmode.telemetry.v1.RequestStatus;
import io.beastmode.telemetry.v1.SelectionEvent;
import io.beastmode.telemetry.v1.SelectionEventKind;
import io.beastmode.telemetry.v1.SelectionReason;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Builders of valid telemetry with defaults, so each test states only the fields it is about. */
final class TestEvents {

    private static final AtomicLong IDS = new AtomicLong();

    private TestEvents() {
    }

    static String id() {
        return "id-" + IDS.incrementAndGet();
    }

    static RequestEvent.Builder request(long t, String type, String model, double latencyMs) {
        String id = id();
        return RequestEvent.newBuilder()
                .setEventId("e-" + id).setRequestId(id).setEventTime(t)
                .setTenant("acme").setRequestType(type).setRequestedModel(model).setServedModel(model)
                .setProvider("test").setStatus(RequestStatus.OK).setErrorClass(null)
                .setLatencyMs(latencyMs).setTimeToFirstTokenMs(null)
                .setInputTokens(100).setOutputTokens(10).setStreaming(false).setGatewayNode("gw-1");
    }

    static CacheEvent.Builder cache(long t, CacheTier tier, String namespace, CacheOutcome outcome, double lookupMs) {
        String id = id();
        return CacheEvent.newBuilder()
                .setEventId("e-" + id).setRequestId(id).setEventTime(t)
                .setTenant("acme").setRequestType("conversation").setTier(tier).setNamespace(namespace)
                .setOutcome(outcome).setLookupLatencyMs(lookupMs).setSimilarity(null).setThreshold(null)
                .setEntryAgeMs(null).setTtlMs(null).setTokensSaved(0).setKeyHash("k-" + id);
    }

    static SelectionEvent.Builder selection(long t, String type, String model, SelectionReason reason,
                                            Double observed, Map<String, Double> candidates) {
        String id = id();
        return SelectionEvent.newBuilder()
                .setEventId("e-" + id).setRequestId(id).setEventTime(t)
                .setTenant("acme").setRequestType(type).setKind(SelectionEventKind.SELECTION)
                .setPolicyVersion("v1").setCandidateModels(List.copyOf(candidates.keySet()))
                .setSelectedModel(model).setBaselineModel("big").setReason(reason).setProposalId(null)
                .setPredictedQuality(null).setObservedQuality(observed).setCandidateQualities(candidates);
    }

    static CostEvent.Builder cost(long t, String tenant, String model, double costUsd, Double baselineUsd) {
        String id = id();
        return CostEvent.newBuilder()
                .setEventId("e-" + id).setRequestId(id).setEventTime(t)
                .setTenant(tenant).setRequestType("code").setModel(model)
                .setInputTokens(100).setOutputTokens(10).setCostUsd(costUsd)
                .setBaselineModel(baselineUsd == null ? null : "big").setBaselineCostUsd(baselineUsd)
                .setBudgetId(null).setBudgetLimitUsd(null).setBudgetPeriod((BudgetPeriod) null)
                .setBudgetPeriodStart(null);
    }
}
