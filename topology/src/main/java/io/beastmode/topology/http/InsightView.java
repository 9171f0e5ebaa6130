package io.beastmode.topology.http;

import io.beastmode.analytics.v1.Anomaly;
import io.beastmode.analytics.v1.Effect;
import io.beastmode.analytics.v1.OptimizationProposal;
import io.beastmode.analytics.v1.OutcomeVerdict;
import io.beastmode.analytics.v1.ProposalKind;
import io.beastmode.analytics.v1.ProposalOutcome;
import io.beastmode.analytics.v1.Severity;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.beastmode.topology.http.PrometheusText.Type.COUNTER;
import static io.beastmode.topology.http.PrometheusText.Type.GAUGE;

/**
 * What the dashboard and {@code /metrics} show of the insight application: the committed anomalies (the latest
 * {@link #MAX_ANOMALIES}), every proposal by id with its latest status and, once measured, its outcome (the latest
 * {@link #MAX_PROPOSALS}), and counters of all of them since the view started reading. Fed by {@link InsightFeed}
 * from the insight output topics; thread-safe (one writer, HTTP readers).
 */
public final class InsightView {
    public static final int MAX_ANOMALIES = 500;
    static final int MAX_PROPOSALS = 300;

    private final ArrayDeque<Map<String, Object>> anomalies = new ArrayDeque<>();
    private final LinkedHashMap<String, Map<String, Object>> proposals = new LinkedHashMap<>();
    private final Map<String, Map<String, Object>> outcomes = new LinkedHashMap<>();
    private final EnumMap<Severity, Long> anomaliesBySeverity = new EnumMap<>(Severity.class);
    private final EnumMap<ProposalKind, Long> proposalsByKind = new EnumMap<>(ProposalKind.class);
    private final EnumMap<OutcomeVerdict, Long> outcomesByVerdict = new EnumMap<>(OutcomeVerdict.class);
    private long undecodable;

    public synchronized void add(Object value) {
        if (value instanceof Anomaly a) {
            anomaly(a);
        } else if (value instanceof OptimizationProposal p) {
            proposal(p);
        } else if (value instanceof ProposalOutcome o) {
            outcome(o);
        } else {
            undecodable++;
        }
    }

    /** A record of an insight topic that could not be decoded (counted, never fatal). */
    public synchronized void undecodable() {
        undecodable++;
    }

    private void anomaly(Anomaly a) {
        anomaliesBySeverity.merge(a.getSeverity(), 1L, Long::sum);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("anomalyId", a.getAnomalyId());
        m.put("metric", a.getMetric());
        m.put("dimension", a.getDimension().name());
        m.put("dimensionKey", a.getDimensionKey());
        m.put("windowStart", a.getWindowStart());
        m.put("windowEnd", a.getWindowEnd());
        m.put("observed", finite(a.getObserved()));
        m.put("expected", finite(a.getExpected()));
        m.put("score", finite(a.getScore()));
        m.put("severity", a.getSeverity().name());
        m.put("detector", a.getDetector());
        m.put("detectedAt", a.getDetectedAt());
        anomalies.addLast(m);
        while (anomalies.size() > MAX_ANOMALIES) {
            anomalies.removeFirst();
        }
    }

    private void proposal(OptimizationProposal p) {
        Map<String, Object> m = proposals.remove(p.getProposalId());
        if (m == null) { // a status change republishes the same proposal: count each proposal once
            proposalsByKind.merge(p.getKind(), 1L, Long::sum);
            m = new LinkedHashMap<>();
        }
        m.put("proposalId", p.getProposalId());
        m.put("kind", p.getKind().name());
        m.put("target", Map.of("type", p.getTarget().getType().name(), "key", p.getTarget().getKey()));
        m.put("action", p.getAction());
        m.put("parameters", new TreeMap<>(p.getParameters()));
        m.put("status", p.getStatus().name());
        m.put("createdAt", p.getCreatedAt());
        m.put("expiresAt", p.getExpiresAt());
        m.put("pValue", finite(p.getConfidence().getPValue()));
        m.put("supersedes", p.getSupersedes());
        m.put("outcome", outcomes.get(p.getProposalId()));
        proposals.put(p.getProposalId(), m); // re-inserted: the latest change is last
        Iterator<String> oldest = proposals.keySet().iterator();
        while (proposals.size() > MAX_PROPOSALS) {
            outcomes.remove(oldest.next());
            oldest.remove();
        }
    }

    private void outcome(ProposalOutcome o) {
        outcomesByVerdict.merge(o.getVerdict(), 1L, Long::sum);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("verdict", o.getVerdict().name());
        m.put("evaluatedAt", o.getEvaluatedAt());
        m.put("afterStart", o.getAfterStart());
        m.put("afterEnd", o.getAfterEnd());
        List<Map<String, Object>> effects = new ArrayList<>();
        for (Effect e : o.getEffects()) {
            Map<String, Object> em = new LinkedHashMap<>();
            em.put("metric", e.getMetric());
            em.put("relativeDelta", finite(e.getRelativeDelta()));
            em.put("pValue", finite(e.getPValue()));
            effects.add(em);
        }
        m.put("effects", effects);
        m.put("rollbackProposalId", o.getRollbackProposalId());
        outcomes.put(o.getProposalId(), m);
        Map<String, Object> p = proposals.get(o.getProposalId());
        if (p != null) {
            p.put("outcome", m);
        }
    }

    /** {@code GET /api/anomalies}: the latest anomalies, oldest first. */
    public synchronized Map<String, Object> anomaliesJson() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("available", true);
        body.put("total", anomaliesBySeverity.values().stream().mapToLong(Long::longValue).sum());
        body.put("items", List.copyOf(anomalies.stream().map(LinkedHashMap::new).toList()));
        return body;
    }

    /** {@code GET /api/proposals}: every proposal kept, the most recently changed last, with its outcome if any. */
    public synchronized Map<String, Object> proposalsJson() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("available", true);
        body.put("total", proposalsByKind.values().stream().mapToLong(Long::longValue).sum());
        body.put("items", proposals.values().stream().map(LinkedHashMap::new).toList());
        return body;
    }

    /** The insight counters for {@code /metrics}; every label value is present (0 until seen) so rates start at 0. */
    public synchronized void collect(PrometheusText text) {
        for (Severity s : Severity.values()) {
            text.sample("beast_anomalies_total", COUNTER, "Anomalies committed to the anomalies topic, per severity",
                    Map.of("severity", s.name()), anomaliesBySeverity.getOrDefault(s, 0L));
        }
        for (ProposalKind k : ProposalKind.values()) {
            text.sample("beast_proposals_total", COUNTER, "Distinct proposals committed to the proposals topic, per kind",
                    Map.of("kind", k.name()), proposalsByKind.getOrDefault(k, 0L));
        }
        Map<String, Long> byStatus = new TreeMap<>();
        proposals.values().forEach(p -> byStatus.merge((String) p.get("status"), 1L, Long::sum));
        for (io.beastmode.analytics.v1.ProposalStatus s : io.beastmode.analytics.v1.ProposalStatus.values()) {
            text.sample("beast_proposals_by_status", GAUGE, "Proposals kept by the view, per latest status",
                    Map.of("status", s.name()), byStatus.getOrDefault(s.name(), 0L));
        }
        for (OutcomeVerdict v : OutcomeVerdict.values()) {
            text.sample("beast_outcomes_total", COUNTER, "Proposal outcomes committed to the outcomes topic, per verdict",
                    Map.of("verdict", v.name()), outcomesByVerdict.getOrDefault(v, 0L));
        }
        text.sample("beast_insight_undecodable_total", COUNTER, "Insight records the view could not decode",
                undecodable);
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null; // JSON has no NaN
    }
}
