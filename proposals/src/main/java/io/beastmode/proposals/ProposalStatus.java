package io.beastmode.proposals;

/** Mirrors {@code ProposalStatus} of {@code OptimizationProposal.avsc}. */
public enum ProposalStatus {
    OPEN, SUPERSEDED, EXPIRED, LIFTED, ROLLED_BACK
}
