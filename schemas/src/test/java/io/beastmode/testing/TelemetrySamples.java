package io.beastmode.testing;

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

/** One populated event of each telemetry kind, optional fields set so a lost field would show in equality checks. */
public final class TelemetrySamples {
    public static final long EVENT_TIME = 1_700_000_000_000L;

    private TelemetrySamples() {
    }

    public static RequestEvent request(String requestId) {
        return RequestEvent.newBuilder()
                .setEventId("req-" + requestId).setRequestId(requestId).setEventTime(EVENT_TIME)
                .setTenant("t-42").setRequestType("code").setRequestedModel("gpt-4-1106").setServedModel("mixtral-8x7b")
                .setProvider("mistral").setStatus(RequestStatus.RATE_LIMITED).setErrorClass("upstream_429")
                .setLatencyMs(812.5).setTimeToFirstTokenMs(95.25).setInputTokens(1200).setOutputTokens(345)
                .setStreaming(true).setGatewayNode("gw-3")
                .build();
    }

    public static CacheEvent cache(String requestId) {
        return CacheEvent.newBuilder()
                .setEventId("cache-" + requestId).setRequestId(requestId).setEventTime(EVENT_TIME + 1)
                .setTenant("t-42").setRequestType("conversation").setTier(CacheTier.SEMANTIC).setNamespace("faq")
                .setOutcome(CacheOutcome.HIT).setLookupLatencyMs(3.5).setSimilarity(0.97).setThreshold(0.92)
                .setEntryAgeMs(60_000L).setTtlMs(3_600_000L).setTokensSaved(410).setKeyHash("9f86d081")
                .build();
    }

    public static SelectionEvent selection(String requestId) {
        return SelectionEvent.newBuilder()
                .setEventId("sel-" + requestId).setRequestId(requestId).setEventTime(EVENT_TIME + 2)
                .setTenant("t-42").setRequestType("math").setKind(SelectionEventKind.SELECTION).setPolicyVersion("router-7")
                .setCandidateModels(List.of("gpt-4-1106", "mixtral-8x7b")).setSelectedModel("mixtral-8x7b")
                .setBaselineModel("gpt-4-1106").setReason(SelectionReason.PROPOSAL).setProposalId("prop-1")
                .setPredictedQuality(0.81).setObservedQuality(null)
                .setCandidateQualities(Map.of("gpt-4-1106", 0.9, "mixtral-8x7b", 0.8))
                .build();
    }

    public static CostEvent cost(String requestId) {
        return CostEvent.newBuilder()
                .setEventId("cost-" + requestId).setRequestId(requestId).setEventTime(EVENT_TIME + 3)
                .setTenant("t-42").setRequestType("code").setModel("mixtral-8x7b").setInputTokens(1200).setOutputTokens(345)
                .setCostUsd(0.0012).setBaselineModel("gpt-4-1106").setBaselineCostUsd(0.0223).setBudgetId("b-team")
                .setBudgetLimitUsd(500.0).setBudgetPeriod(BudgetPeriod.MONTH).setBudgetPeriodStart(1_698_796_800_000L)
                .build();
    }
}
