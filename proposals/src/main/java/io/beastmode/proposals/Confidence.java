package io.beastmode.proposals;

/**
 * The hypothesis test behind a proposal, mirroring {@code StatisticalConfidence}.
 *
 * @param confidenceLevel 1 - alpha the proposal was made at
 */
public record Confidence(String test, double statistic, double pValue, double confidenceLevel) {

    public Confidence {
        // Constant samples give infinite statistics; JSON views of the Avro record cannot carry them.
        statistic = Double.isNaN(statistic) ? 0.0 : Math.max(-Double.MAX_VALUE, Math.min(Double.MAX_VALUE, statistic));
    }
}
