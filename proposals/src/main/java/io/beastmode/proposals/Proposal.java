package io.beastmode.proposals;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An optimization proposal, mirroring {@code OptimizationProposal.avsc} field by field so the topology can map it
 * directly. Parameters are kept sorted so equal proposals serialize to equal bytes.
 *
 * @param supersedes id of the proposal this one replaces, null when none
 */
public record Proposal(String proposalId, ProposalKind kind, Target target, String action,
                       SortedMap<String, String> parameters, ProposalStatus status, List<Evidence> evidence,
                       ExpectedImpact expectedImpact, Confidence confidence, RolloutPlan rollout, long createdAt,
                       long expiresAt, String supersedes) {

    public Proposal {
        Objects.requireNonNull(proposalId, "proposalId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(expectedImpact, "expectedImpact");
        Objects.requireNonNull(confidence, "confidence");
        Objects.requireNonNull(rollout, "rollout");
        parameters = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(parameters));
        evidence = List.copyOf(evidence);
    }

    public Proposal withStatus(ProposalStatus newStatus) {
        return new Proposal(proposalId, kind, target, action, parameters, newStatus, evidence, expectedImpact,
                confidence, rollout, createdAt, expiresAt, supersedes);
    }

    public String parameter(String name) {
        return parameters.get(name);
    }

    /** Parameters as a plain map, e.g. for the Avro map field. */
    public Map<String, String> parameterMap() {
        return parameters;
    }
}
