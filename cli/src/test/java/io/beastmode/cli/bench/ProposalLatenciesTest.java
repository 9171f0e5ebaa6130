package io.beastmode.cli.bench;

import io.beastmode.cli.bench.LatencyBench.ProposalLatencies;
import io.beastmode.cli.bench.LatencyBench.Watcher.Seen;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ProposalLatenciesTest {

    private static final long START = 1_000_000L;
    private static final long MEASURED_FROM = START + 60_000;

    private static Seen metric(long windowEnd, long readAt, boolean isFinal) {
        return new Seen(windowEnd - 1, readAt, windowEnd, isFinal, -1);
    }

    private static Seen proposal(long windowEnd, long readAt, long decidedAt) {
        return new Seen(windowEnd, readAt, -1, true, decidedAt);
    }

    @Test
    void aProposalPairsWithTheLastFinalMetricOfItsWindowReadBeforeIt() {
        long w = 120_000;
        List<Seen> metrics = List.of(
                metric(w, START + 70_000, true),
                metric(w, START + 70_010, true),          // the trigger: last final one read before the proposal
                metric(w, START + 70_015, false),         // an early (not final) result is no trigger
                metric(w, START + 70_200, true),          // read after the proposal
                metric(w + 60_000, START + 70_020, true)); // another window
        ProposalLatencies p = ProposalLatencies.of(metrics, List.of(proposal(w, START + 70_040, START + 70_025)),
                START, MEASURED_FROM);

        assertThat(p.metricToProposal()).containsExactly(30.0);
        assertThat(p.metricToDecision()).containsExactly(15.0);
        assertThat(p.decisionToReadable()).containsExactly(15.0);
        assertThat(p.metricToProposalWarmup()).isEmpty();
        assertThat(p.samples()).singleElement().satisfies(s -> {
            assertThat(s.get("atSeconds")).isEqualTo(70.01);
            assertThat(s.get("measured")).isEqualTo(true);
            assertThat(s.get("metricToProposalMs")).isEqualTo(30L);
        });
    }

    @Test
    void proposalsTriggeredDuringTheWarmUpAreKeptApart() {
        long w = 60_000;
        List<Seen> metrics = List.of(metric(w, START + 5_000, true), metric(w + 60_000, START + 61_000, true));
        List<Seen> proposals = List.of(proposal(w, START + 5_400, START + 5_300),
                proposal(w + 60_000, START + 61_020, -1),  // no decided-at header: no split
                proposal(w + 120_000, START + 62_000, -1)); // no metric of its window: no sample
        ProposalLatencies p = ProposalLatencies.of(metrics, proposals, START, MEASURED_FROM);

        assertThat(p.metricToProposalWarmup()).containsExactly(400.0);
        assertThat(p.metricToProposal()).containsExactly(20.0);
        assertThat(p.metricToDecision()).isEmpty();
        assertThat(p.samples()).extracting(s -> s.get("measured")).containsExactly(false, true);
    }
}
