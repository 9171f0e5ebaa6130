package io.beastmode.clients;

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

/** Valid events of each kind, for tests to break one field at a time. */
final class TestEvents {
    static final long T = 1_700_158_000_000L; // 2023-11-16, inside the Azure trace hour

    private TestEvents() {
    }

    static RequestEvent.Builder request(String requestId) {
        return RequestEvent.newBuilder().setEventId("e-" + requestId + "-r").setRequestId(requestId).setEventTime(T)
                .setTenant("t-acme").setRequestType("code").setRequestedModel("gpt-4-1106-preview")
                .setServedModel("gpt-4-1106-preview").setProvider("openai").setStatus(RequestStatus.OK).setErrorClass(null)
                .setLatencyMs(812.5).setTimeToFirstTokenMs(300.0).setInputTokens(1200).setOutputTokens(40)
                .setStreaming(true).setGatewayNode("gw-1");
    }

    static CacheEvent.Builder cache(String requestId) {
        return CacheEvent.newBuilder().setEventId("e-" + requestId + "-c").setRequestId(requestId).setEventTime(T)
                .setTenant("t-acme").setRequestType("code").setTier(CacheTier.SEMANTIC).setNamespace("code")
                .setOutcome(CacheOutcome.MISS).setLookupLatencyMs(11.0).setSimilarity(0.82).setThreshold(0.85)
                .setEntryAgeMs(null).setTtlMs(600_000L).setTokensSaved(0).setKeyHash("k1");
    }

    static SelectionEvent.Builder selection(String requestId) {
        return SelectionEvent.newBuilder().setEventId("e-" + requestId + "-s").setRequestId(requestId).setEventTime(T)
                .setTenant("t-acme").setRequestType("code").setKind(SelectionEventKind.SELECTION).setPolicyVersion("static-share-v1")
                .setCandidateModels(List.of("gpt-4-1106-preview", "mixtral-8x7b-instruct-v0.1"))
                .setSelectedModel("mixtral-8x7b-instruct-v0.1").setBaselineModel("gpt-4-1106-preview")
                .setReason(SelectionReason.STRATEGY).setProposalId(null).setPredictedQuality(0.7).setObservedQuality(1.0)
                .setCandidateQualities(Map.of("gpt-4-1106-preview", 1.0, "mixtral-8x7b-instruct-v0.1", 1.0));
    }

    static CostEvent.Builder cost(String requestId) {
        return CostEvent.newBuilder().setEventId("e-" + requestId + "-$").setRequestId(requestId).setEventTime(T)
                .setTenant("t-acme").setRequestType("code").setModel("mixtral-8x7b-instruct-v0.1").setInputTokens(1200)
                .setOutputTokens(40).setCostUsd(0.000868).setBaselineModel("gpt-4-1106-preview").setBaselineCostUsd(0.0132)
                .setBudgetId("budget-t-acme").setBudgetLimitUsd(2000.0).setBudgetPeriod(BudgetPeriod.DAY)
                .setBudgetPeriodStart(T - T % 86_400_000L);
    }
}
