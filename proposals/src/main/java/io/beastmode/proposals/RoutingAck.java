package io.beastmode.proposals;

import java.util.Objects;

/**
 * The routing layer's report on a proposal, mirroring {@code RoutingAck.avsc}.
 *
 * @param rolloutShare share of the target's traffic now under the proposal (canary or full); null means full
 */
public record RoutingAck(String proposalId, Status status, long at, Double rolloutShare, String reason) {

    public enum Status { ACCEPTED, APPLIED, REJECTED, ROLLED_BACK }

    public RoutingAck {
        Objects.requireNonNull(proposalId, "proposalId");
        Objects.requireNonNull(status, "status");
    }
}
