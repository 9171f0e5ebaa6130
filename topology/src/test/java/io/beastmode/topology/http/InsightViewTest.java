package io.beastmode.topology.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beastmode.analytics.v1.Anomaly;
import io.beastmode.analytics.v1.Dimension;
import io.beastmode.analytics.v1.Effect;
import io.beastmode.analytics.v1.ExpectedImpact;
import io.beastmode.analytics.v1.OptimizationProposal;
import io.beastmode.analytics.v1.OutcomeVerdict;
import io.beastmode.analytics.v1.ProposalKind;
import io.beastmode.analytics.v1.ProposalOutcome;
import io.beastmode.analytics.v1.ProposalStatus;
import io.beastmode.analytics.v1.ProposalTarget;
import io.beastmode.analytics.v1.RolloutPlan;
import io.beastmode.analytics.v1.Severity;
import io.beastmode.analytics.v1.StatisticalConfidence;
import io.beastmode.analytics.v1.TargetType;
import io.beastmode.topology.PipelineMetrics;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The insight view behind /api/anomalies, /api/proposals and the insight counters of /metrics. */
class InsightViewTest {
    private static final long T0 = 1_700_000_000_000L;

    static Anomaly anomaly(String id, Severity severity, long windowStart) {
        return Anomaly.newBuilder().setAnomalyId(id).setMetric("latency.p95").setDimension(Dimension.MODEL)
                .setDimensionKey("gpt-4o").setWindowStart(windowStart).setWindowEnd(windowStart + 60_000)
                .setObserved(900).setExpected(300).setScore(Double.NaN).setSeverity(severity).setDetector("robust")
                .setDetectedAt(windowStart + 61_000).build();
    }

    static OptimizationProposal proposal(String id, ProposalKind kind, ProposalStatus status) {
        return OptimizationProposal.newBuilder().setProposalId(id).setKind(kind)
                .setTarget(ProposalTarget.newBuilder().setType(TargetType.REQUEST_TYPE).setKey("code").build())
                .setAction("route").setParameters(Map.of("to", "mixtral")).setStatus(status).setEvidence(List.of())
                .setExpectedImpact(ExpectedImpact.newBuilder().build())
                .setConfidence(StatisticalConfidence.newBuilder().setTest("t").setStatistic(0).setPValue(0.01)
                        .setConfidenceLevel(0.95).build())
                .setRollout(RolloutPlan.newBuilder().setCanaryShare(0.1).setCanaryDurationMs(60_000)
                        .setFullShare(1.0).build())
                .setCreatedAt(T0).setExpiresAt(T0 + 3_600_000L).setSupersedes(null).build();
    }

    static ProposalOutcome outcome(String id, OutcomeVerdict verdict) {
        return ProposalOutcome.newBuilder().setProposalId(id).setKind(ProposalKind.REROUTE)
                .setTarget(ProposalTarget.newBuilder().setType(TargetType.REQUEST_TYPE).setKey("code").build())
                .setAppliedAt(T0).setEvaluatedAt(T0 + 600_000).setBeforeStart(T0 - 600_000).setBeforeEnd(T0)
                .setAfterStart(T0).setAfterEnd(T0 + 600_000).setVerdict(verdict)
                .setEffects(List.of(Effect.newBuilder().setMetric("latency.p95").setBefore(900).setAfter(450)
                        .setDelta(-450).setRelativeDelta(-0.5).setTest("mw").setPValue(0.001).setSamplesBefore(10)
                        .setSamplesAfter(10).build()))
                .setRollbackProposalId(null).build();
    }

    @Test
    void proposalsAreKeptByIdWithLatestStatusAndTheirOutcome() {
        InsightView view = new InsightView();
        view.add(proposal("p1", ProposalKind.REROUTE, ProposalStatus.OPEN));
        view.add(proposal("p2", ProposalKind.CACHE, ProposalStatus.OPEN));
        view.add(outcome("p1", OutcomeVerdict.IMPROVED));
        view.add(proposal("p1", ProposalKind.REROUTE, ProposalStatus.LIFTED)); // a status change, same proposal

        Map<String, Object> json = view.proposalsJson();
        assertThat(json.get("total")).isEqualTo(2L);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> items = (List<Map<String, Object>>) json.get("items");
        assertThat(items).extracting(m -> m.get("proposalId")).containsExactly("p2", "p1");
        assertThat(items.get(1).get("status")).isEqualTo("LIFTED");
        assertThat(((Map<?, ?>) items.get(1).get("outcome")).get("verdict")).isEqualTo("IMPROVED");
        assertThat(items.get(0).get("outcome")).isNull();
        assertThat(items.get(0).get("target")).isEqualTo(Map.of("type", "REQUEST_TYPE", "key", "code"));
    }

    @Test
    void anomaliesAreBoundedAndCounted() {
        InsightView view = new InsightView();
        for (int i = 0; i < InsightView.MAX_ANOMALIES + 20; i++) {
            view.add(anomaly("a" + i, i % 2 == 0 ? Severity.WARNING : Severity.CRITICAL, T0 + i * 60_000L));
        }
        Map<String, Object> json = view.anomaliesJson();
        assertThat(json.get("total")).isEqualTo((long) InsightView.MAX_ANOMALIES + 20);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> items = (List<Map<String, Object>>) json.get("items");
        assertThat(items).hasSize(InsightView.MAX_ANOMALIES);
        assertThat(items.get(0).get("anomalyId")).isEqualTo("a20"); // the oldest were dropped
        assertThat(items.get(0).get("score")).as("NaN is not JSON").isNull();
    }

    @Test
    void prometheusCountsPerKindVerdictAndSeverityWithZerosForTheUnseen() {
        InsightView view = new InsightView();
        view.add(anomaly("a1", Severity.CRITICAL, T0));
        view.add(proposal("p1", ProposalKind.REROUTE, ProposalStatus.OPEN));
        view.add(proposal("p1", ProposalKind.REROUTE, ProposalStatus.EXPIRED));
        view.add(proposal("p2", ProposalKind.BUDGET, ProposalStatus.OPEN));
        view.add(outcome("p1", OutcomeVerdict.NO_EFFECT));
        view.add("not an insight record");
        PrometheusText text = new PrometheusText();
        view.collect(text);
        String out = text.render();
        assertThat(out).contains("beast_anomalies_total{severity=\"CRITICAL\"} 1")
                .contains("beast_anomalies_total{severity=\"INFO\"} 0")
                .contains("beast_proposals_total{kind=\"REROUTE\"} 1")
                .contains("beast_proposals_total{kind=\"BUDGET\"} 1")
                .contains("beast_proposals_total{kind=\"ROLLBACK\"} 0")
                .contains("beast_proposals_by_status{status=\"EXPIRED\"} 1")
                .contains("beast_proposals_by_status{status=\"OPEN\"} 1")
                .contains("beast_outcomes_total{verdict=\"NO_EFFECT\"} 1")
                .contains("beast_outcomes_total{verdict=\"IMPROVED\"} 0")
                .contains("beast_insight_undecodable_total 1")
                .contains("# TYPE beast_outcomes_total counter");
    }

    @Test
    void theHttpServerServesTheViewOnceRegistered() throws Exception {
        try (MetricsHttpServer server = new MetricsHttpServer("127.0.0.1", 0, () -> null, () -> null,
                new PipelineMetrics(), () -> 0L)) {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + server.port();
            ObjectMapper json = new ObjectMapper();
            JsonNode before = json.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/api/proposals"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body());
            assertThat(before.path("available").asBoolean()).isFalse();

            InsightView view = new InsightView();
            view.add(proposal("p1", ProposalKind.FALLBACK, ProposalStatus.OPEN));
            view.add(anomaly("a1", Severity.WARNING, T0));
            server.serveInsights(view);
            JsonNode proposals = json.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/api/proposals"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body());
            assertThat(proposals.path("available").asBoolean()).isTrue();
            assertThat(proposals.path("items").get(0).path("kind").asText()).isEqualTo("FALLBACK");
            JsonNode anomalies = json.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/api/anomalies"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body());
            assertThat(anomalies.path("items").get(0).path("severity").asText()).isEqualTo("WARNING");
            String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("beast_proposals_total{kind=\"FALLBACK\"} 1");
        }
    }
}
