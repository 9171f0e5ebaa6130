package io.beastmode.clients;

import io.beastmode.analytics.v1.OptimizationProposal;

/** Called by {@link ProposalSubscriber} on its own thread whenever the value of a proposal key changes. */
@FunctionalInterface
public interface ProposalListener {
    /**
     * @param key      the proposal target, {@code TYPE:key}
     * @param oldValue the previous value, null when the key is new
     * @param newValue the new value, null when a tombstone removed the key
     */
    void onChange(String key, OptimizationProposal oldValue, OptimizationProposal newValue);
}
