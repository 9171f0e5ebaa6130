package io.beastmode.proposals;

/**
 * A measured fact behind a proposal, mirroring {@code Evidence} of {@code OptimizationProposal.avsc}.
 *
 * @param reference the value compared against (baseline or the other model), null when none
 */
public record Evidence(String metric, String subject, double value, Double reference, long samples,
                       long windowStart, long windowEnd) {
}
