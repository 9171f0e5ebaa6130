package io.beastmode.proposals;

/** One metric compared before and after an applied proposal; mirrors {@code Effect} of {@code ProposalOutcome}. */
public record Effect(String metric, double before, double after, double delta, double relativeDelta, String test,
                     double pValue, long samplesBefore, long samplesAfter) {

    static Effect of(String metric, double before, double after, String test, double pValue, long samplesBefore,
                     long samplesAfter) {
        double delta = after - before;
        return new Effect(metric, before, after, delta, before == 0 ? 0.0 : delta / before, test, pValue,
                samplesBefore, samplesAfter);
    }
}
