package io.beastmode.clients;

import io.beastmode.analytics.v1.AckStatus;
import io.beastmode.analytics.v1.RoutingAck;
import io.beastmode.telemetry.v1.CacheTier;
import io.beastmode.telemetry.v1.RequestStatus;
import io.beastmode.telemetry.v1.SelectionEventKind;
import io.beastmode.telemetry.v1.SelectionReason;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static io.beastmode.clients.TestEvents.T;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventValidatorTest {
    // Clock fixed just after the test events so "future" is deterministic.
    private final EventValidator validator = new EventValidator(EventValidator.DEFAULT_MIN_EVENT_TIME, Duration.ofHours(1),
            Clock.fixed(Instant.ofEpochMilli(T + 60_000), ZoneOffset.UTC));

    private void assertRejected(Object event, String type, String field, String messagePart) {
        assertThatThrownBy(() -> validator.validate((org.apache.avro.specific.SpecificRecord) event))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining(type + "." + field)
                .hasMessageContaining(messagePart)
                .satisfies(e -> {
                    InvalidEventException ie = (InvalidEventException) e;
                    assertThat(ie.eventType()).isEqualTo(type);
                    assertThat(ie.field()).isEqualTo(field);
                });
    }

    @Test
    void validEventsOfEveryKindPass() {
        assertThatCode(() -> {
            validator.validate(TestEvents.request("r1").build());
            validator.validate(TestEvents.cache("r1").build());
            validator.validate(TestEvents.selection("r1").build());
            validator.validate(TestEvents.cost("r1").build());
        }).doesNotThrowAnyException();
    }

    @Test
    void requestEventRules() {
        assertRejected(TestEvents.request("r").setRequestId("").build(), "RequestEvent", "requestId", "non-empty");
        assertRejected(TestEvents.request("r").setEventId("  ").build(), "RequestEvent", "eventId", "non-empty");
        assertRejected(TestEvents.request("r").setTenant("").build(), "RequestEvent", "tenant", "non-empty");
        assertRejected(TestEvents.request("r").setServedModel("").build(), "RequestEvent", "servedModel", "non-empty");
        assertRejected(TestEvents.request("r").setLatencyMs(Double.NaN).build(), "RequestEvent", "latencyMs", "NaN");
        assertRejected(TestEvents.request("r").setLatencyMs(-1).build(), "RequestEvent", "latencyMs", ">= 0");
        assertRejected(TestEvents.request("r").setLatencyMs(Double.POSITIVE_INFINITY).build(), "RequestEvent", "latencyMs", "finite");
        assertRejected(TestEvents.request("r").setInputTokens(-5).build(), "RequestEvent", "inputTokens", "-5");
        assertRejected(TestEvents.request("r").setOutputTokens(-1).build(), "RequestEvent", "outputTokens", ">= 0");
        assertRejected(TestEvents.request("r").setTimeToFirstTokenMs(900.0).build(), "RequestEvent", "timeToFirstTokenMs", "exceed latencyMs");
        assertRejected(TestEvents.request("r").setStatus(RequestStatus.ERROR).setErrorClass(null).build(), "RequestEvent", "errorClass", "null");
        assertThatCode(() -> validator.validate(TestEvents.request("r").setStatus(RequestStatus.ERROR).setErrorClass("upstream_5xx")
                .setTimeToFirstTokenMs(null).build())).doesNotThrowAnyException();
    }

    @Test
    void eventTimeMustBePlausible() {
        // Seconds instead of milliseconds: 1.7e9 ms is January 1970.
        assertRejected(TestEvents.request("r").setEventTime(T / 1000).build(), "RequestEvent", "eventTime", "implausibly old");
        assertRejected(TestEvents.cost("r").setEventTime(T + Duration.ofHours(2).toMillis()).build(), "CostEvent", "eventTime", "future");
        assertThatCode(() -> validator.validate(TestEvents.request("r").setEventTime(T + Duration.ofMinutes(50).toMillis()).build()))
                .doesNotThrowAnyException();
    }

    @Test
    void cacheEventRules() {
        assertRejected(TestEvents.cache("r").setSimilarity(1.2).build(), "CacheEvent", "similarity", "[0,1]");
        assertRejected(TestEvents.cache("r").setSimilarity(-0.1).build(), "CacheEvent", "similarity", "[0,1]");
        assertRejected(TestEvents.cache("r").setThreshold(Double.NaN).build(), "CacheEvent", "threshold", "[0,1]");
        assertRejected(TestEvents.cache("r").setLookupLatencyMs(-0.5).build(), "CacheEvent", "lookupLatencyMs", ">= 0");
        assertRejected(TestEvents.cache("r").setTokensSaved(-1).build(), "CacheEvent", "tokensSaved", ">= 0");
        assertRejected(TestEvents.cache("r").setEntryAgeMs(-10L).build(), "CacheEvent", "entryAgeMs", ">= 0");
        assertRejected(TestEvents.cache("r").setKeyHash("").build(), "CacheEvent", "keyHash", "non-empty");
        assertRejected(TestEvents.cache("r").setTier(CacheTier.EXACT).build(), "CacheEvent", "similarity", "SEMANTIC");
    }

    @Test
    void selectionEventRules() {
        assertRejected(TestEvents.selection("r").setSelectedModel("gpt-5").build(), "SelectionEvent", "selectedModel", "not among candidateModels");
        assertRejected(TestEvents.selection("r").setCandidateModels(List.of()).build(), "SelectionEvent", "candidateModels", "not be empty");
        assertRejected(TestEvents.selection("r").setObservedQuality(1.5).build(), "SelectionEvent", "observedQuality", "[0,1]");
        assertRejected(TestEvents.selection("r").setPredictedQuality(-0.2).build(), "SelectionEvent", "predictedQuality", "[0,1]");
        assertRejected(TestEvents.selection("r").setCandidateQualities(Map.of("gpt-4-1106-preview", 7.0)).build(),
                "SelectionEvent", "candidateQualities[gpt-4-1106-preview]", "[0,1]");
        assertRejected(TestEvents.selection("r").setReason(SelectionReason.PROPOSAL).setProposalId(null).build(),
                "SelectionEvent", "proposalId", "non-empty");
        assertRejected(TestEvents.selection("r").setKind(SelectionEventKind.QUALITY_FEEDBACK).setObservedQuality(null).build(),
                "SelectionEvent", "observedQuality", "QUALITY_FEEDBACK");
    }

    @Test
    void costEventRules() {
        assertRejected(TestEvents.cost("r").setCostUsd(-0.01).build(), "CostEvent", "costUsd", ">= 0");
        assertRejected(TestEvents.cost("r").setCostUsd(Double.NaN).build(), "CostEvent", "costUsd", "finite");
        assertRejected(TestEvents.cost("r").setBaselineCostUsd(Double.NEGATIVE_INFINITY).build(), "CostEvent", "baselineCostUsd", "finite");
        assertRejected(TestEvents.cost("r").setModel(" ").build(), "CostEvent", "model", "non-empty");
        assertRejected(TestEvents.cost("r").setBudgetPeriodStart(T + 1).build(), "CostEvent", "budgetPeriodStart", "after eventTime");
        assertRejected(TestEvents.cost("r").setBudgetId(null).build(), "CostEvent", "budgetId", "non-empty");
    }

    @Test
    void routingAckRules() {
        RoutingAck.Builder ack = RoutingAck.newBuilder().setProposalId("p1").setStatus(AckStatus.APPLIED).setAt(T)
                .setRouterId("router-1").setRolloutShare(0.1).setReason(null);
        assertThatCode(() -> validator.validate(ack.build())).doesNotThrowAnyException();
        assertRejected(RoutingAck.newBuilder(ack.build()).setRolloutShare(2.0).build(), "RoutingAck", "rolloutShare", "[0,1]");
        assertRejected(RoutingAck.newBuilder(ack.build()).setProposalId("").build(), "RoutingAck", "proposalId", "non-empty");
    }
}
