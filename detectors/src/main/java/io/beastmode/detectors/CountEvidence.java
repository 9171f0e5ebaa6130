package io.beastmode.detectors;

import org.apache.commons.math3.distribution.BinomialDistribution;

/**
 * Whether a window holds enough events for its anomalous value to mean something. The detectors judge a series of
 * values, one per window, and cannot see how many events each value summarises: an error rate of 3% from one error in
 * 32 requests, or a p99 that is simply the slowest of 40 requests, is as "novel" to them as a real burst. These checks
 * run after the detector, on the window's counts.
 *
 * <ul>
 *   <li>Rates (error rate, cache hit rate): the window's count must be significant against the expected rate by an
 *       exact binomial test at {@link #ALPHA}, with the expected rate kept at least one event away from 0 and from n
 *       (a series whose baseline is "no errors" is not shown to be failing by a single error).</li>
 *   <li>Percentiles: the q-th percentile must rest on more than one request, i.e. at least 1/(1-q) of them (20 for
 *       p95, 100 for p99); below that it is the window's maximum.</li>
 * </ul>
 */
public final class CountEvidence {

  /** Significance level of the rate check. */
  public static final double ALPHA = 0.01;

  private CountEvidence() {}

  /** True when {@code events} of {@code n} differ significantly (two-sided, each tail at ALPHA/2) from the rate. */
  public static boolean rateIsSignificant(long events, long n, double expectedRate) {
    if (n <= 0 || events < 0 || events > n) {
      return false;
    }
    double slack = 1.0 / n;
    double p0 = Math.min(Math.max(expectedRate, slack), 1.0 - slack);
    if (!(p0 > 0 && p0 < 1)) {
      return false; // n == 1: one event says nothing
    }
    BinomialDistribution b = new BinomialDistribution(null, Math.toIntExact(n), p0);
    int k = Math.toIntExact(events);
    double upper = k == 0 ? 1.0 : 1.0 - b.cumulativeProbability(k - 1); // P(X >= k)
    double lower = b.cumulativeProbability(k); // P(X <= k)
    return Math.min(upper, lower) < ALPHA / 2;
  }

  /** True when the {@code quantile} (in (0,1)) of {@code count} values is more than the largest of them. */
  public static boolean percentileIsEstimated(double quantile, long count) {
    return count >= Math.ceil(1.0 / (1.0 - quantile) - 1e-9);
  }
}
