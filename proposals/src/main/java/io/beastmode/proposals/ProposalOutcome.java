package io.beastmode.proposals;

import java.util.List;

/**
 * The measured effect of an applied proposal over equal spans before and after; mirrors {@code ProposalOutcome.avsc}.
 *
 * @param rollback the ROLLBACK proposal issued when the verdict is REGRESSED, else null; its id is the Avro
 *                 {@code rollbackProposalId}
 */
public record ProposalOutcome(String proposalId, ProposalKind kind, Target target, long appliedAt, long evaluatedAt,
                              long beforeStart, long beforeEnd, long afterStart, long afterEnd, OutcomeVerdict verdict,
                              List<Effect> effects, Proposal rollback) {

    public ProposalOutcome {
        effects = List.copyOf(effects);
    }

    public String rollbackProposalId() {
        return rollback == null ? null : rollback.proposalId();
    }
}
