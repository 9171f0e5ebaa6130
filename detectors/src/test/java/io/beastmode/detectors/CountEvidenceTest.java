package io.beastmode.detectors;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CountEvidenceTest {

  @Test
  void oneErrorInAQuietSeriesIsNoEvidence() {
    assertThat(CountEvidence.rateIsSignificant(1, 32, 0.0)).isFalse();
    assertThat(CountEvidence.rateIsSignificant(2, 80, 0.003)).isFalse();
    // 1/32 expected: P(X >= 5 | 32, 1/32) = 0.0030 < 0.005, P(X >= 4) = 0.017.
    assertThat(CountEvidence.rateIsSignificant(4, 32, 0.0)).isFalse();
    assertThat(CountEvidence.rateIsSignificant(5, 32, 0.0)).isTrue();
  }

  @Test
  void aBurstOrAFlushIsSignificantBothWays() {
    assertThat(CountEvidence.rateIsSignificant(22, 75, 0.003)).isTrue(); // a 30% error burst
    assertThat(CountEvidence.rateIsSignificant(0, 400, 0.35)).isTrue(); // a flushed cache: no hits
    assertThat(CountEvidence.rateIsSignificant(130, 400, 0.35)).isFalse(); // 32.5% against 35%
    assertThat(CountEvidence.rateIsSignificant(0, 1, 0.5)).isFalse();
    assertThat(CountEvidence.rateIsSignificant(0, 0, 0.5)).isFalse();
  }

  @Test
  void percentileNeedsMoreThanTheMaximum() {
    assertThat(CountEvidence.percentileIsEstimated(0.95, 19)).isFalse();
    assertThat(CountEvidence.percentileIsEstimated(0.95, 20)).isTrue();
    assertThat(CountEvidence.percentileIsEstimated(0.99, 99)).isFalse();
    assertThat(CountEvidence.percentileIsEstimated(0.99, 100)).isTrue();
  }
}
