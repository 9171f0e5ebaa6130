package io.beastmode.proposals;

/** Mirrors {@code ProposalKind} of {@code OptimizationProposal.avsc}. */
public enum ProposalKind {
    REROUTE, FALLBACK, CACHE, BUDGET, ROLLBACK
}
