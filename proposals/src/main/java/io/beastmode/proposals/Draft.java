package io.beastmode.proposals;

import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A proposal as a rule suggests it, before the engine gives it an id, status, expiry and the proposal it supersedes.
 *
 * @param slot     the open-proposal slot within the target: at most one proposal per target and slot is open, and
 *                 a new draft in an occupied slot is either a repeat (dropped) or a material change (supersedes)
 * @param identity the parameter names that make two drafts of a slot the same proposal
 * @param ttlMs    how long the proposal stays open
 * @param lift     true for a lift of the slot's open proposal (lift_fallback) rather than a new proposal
 */
public record Draft(ProposalKind kind, Target target, String slot, String action, SortedMap<String, String> parameters,
                    List<String> identity, List<Evidence> evidence, ExpectedImpact expectedImpact,
                    Confidence confidence, RolloutPlan rollout, long createdAt, long ttlMs, boolean lift) {

    public Draft {
        parameters = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(parameters));
        identity = List.copyOf(identity);
        evidence = List.copyOf(evidence);
    }

    /** The identity parameters' values, e.g. 'gpt-4->mixtral'; equal strings mean equivalent proposals. */
    public String identityValue() {
        StringBuilder b = new StringBuilder(action);
        for (String name : identity) {
            b.append('|').append(name).append('=').append(parameters.getOrDefault(name, ""));
        }
        return b.toString();
    }
}
