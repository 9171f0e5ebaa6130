package io.beastmode.proposals;

/** Mirrors {@code OutcomeVerdict} of {@code ProposalOutcome.avsc}. */
public enum OutcomeVerdict {
    IMPROVED, NO_EFFECT, REGRESSED, INCONCLUSIVE
}
