package io.beastmode.proposals;

import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * The hypothesis tests behind proposals and outcomes, on Commons Math distributions. Distributions are built without
 * a random generator: only their CDFs are used, and this keeps every result deterministic.
 */
final class Stats {

    private static final NormalDistribution STANDARD_NORMAL = new NormalDistribution(null, 0, 1);

    /** A test's name, statistic and p-value. */
    record Result(String test, double statistic, double pValue) {
    }

    /** Summary of a sample: count, mean and the sum of squares (as {@code QualityStat} keeps it). */
    record Summary(long n, double mean, double sumSquares) {

        static Summary of(double[] values) {
            double sum = 0;
            double squares = 0;
            for (double v : values) {
                sum += v;
                squares += v * v;
            }
            return new Summary(values.length, values.length == 0 ? 0.0 : sum / values.length, squares);
        }

        Summary plus(Summary o) {
            long total = n + o.n;
            return new Summary(total, total == 0 ? 0.0 : (mean * n + o.mean * o.n) / total, sumSquares + o.sumSquares);
        }

        /** Unbiased sample variance; never negative despite rounding. */
        double variance() {
            return n < 2 ? 0.0 : Math.max(0.0, (sumSquares - n * mean * mean) / (n - 1));
        }

        /** True when every value was 0 or 1, which is exactly when the sum of squares equals the sum. */
        boolean isBinary() {
            double sum = mean * n;
            return mean >= 0 && mean <= 1 && Math.abs(sumSquares - sum) <= 1e-6 * Math.max(1.0, n);
        }
    }

    private Stats() {
    }

    static double normalUpperTail(double z) {
        return 1.0 - STANDARD_NORMAL.cumulativeProbability(z);
    }

    /**
     * One-sided non-inferiority test of a candidate against a reference: H0 candidate <= reference - margin,
     * H1 candidate > reference - margin. 0/1 qualities use the unpooled two-proportion z test (unpooled because H0 is
     * a shifted difference, not equality); other qualities Welch's t on mean and variance.
     */
    static Result nonInferiority(Summary reference, Summary candidate, double margin) {
        double shifted = candidate.mean() - reference.mean() + margin;
        if (reference.isBinary() && candidate.isBinary()) {
            double se = Math.sqrt(reference.mean() * (1 - reference.mean()) / reference.n()
                    + candidate.mean() * (1 - candidate.mean()) / candidate.n());
            if (se == 0) {
                return new Result("two-proportion-z (non-inferiority)", shifted > 0 ? Double.POSITIVE_INFINITY
                        : Double.NEGATIVE_INFINITY, shifted > 0 ? 0.0 : 1.0);
            }
            double z = shifted / se;
            return new Result("two-proportion-z (non-inferiority)", z, normalUpperTail(z));
        }
        Result t = welchShifted(reference, candidate, -margin);
        // welchShifted tests candidate - reference - shift; one-sided upper tail of that statistic.
        return new Result("welch-t (non-inferiority)", t.statistic(), t.pValue());
    }

    /** Welch's t for (b - a - shift) with a one-sided upper-tail p-value (H1: b - a > shift). */
    static Result welchShifted(Summary a, Summary b, double shift) {
        if (a.n() < 2 || b.n() < 2) {
            return new Result("welch-t", 0.0, 1.0); // no variance estimate: no evidence either way
        }
        double diff = b.mean() - a.mean() - shift;
        double va = a.variance() / a.n();
        double vb = b.variance() / b.n();
        double se = Math.sqrt(va + vb);
        if (se == 0) {
            // Constant samples: the difference is exact, so it is certain in its direction and absent otherwise.
            return new Result("welch-t", diff > 0 ? Double.POSITIVE_INFINITY : diff < 0 ? Double.NEGATIVE_INFINITY : 0,
                    diff > 0 ? 0.0 : 1.0);
        }
        double t = diff / se;
        double df = (va + vb) * (va + vb) / (va * va / (a.n() - 1) + vb * vb / (b.n() - 1));
        return new Result("welch-t", t, 1.0 - new TDistribution(null, df).cumulativeProbability(t));
    }

    /** Two-sided Welch's t for a difference of means (after - before). */
    static Result welchTwoSided(Summary before, Summary after) {
        Result upper = welchShifted(before, after, 0.0);
        if (Double.isInfinite(upper.statistic())) {
            return new Result("welch-t", upper.statistic(), 0.0);
        }
        if (upper.statistic() == 0) {
            return new Result("welch-t", 0.0, 1.0);
        }
        return new Result("welch-t", upper.statistic(), Math.min(1.0, 2 * Math.min(upper.pValue(), 1 - upper.pValue())));
    }

    /** One-sided Welch (H1: recent > baseline). */
    static Result welchGreater(double[] baseline, double[] recent) {
        return welchShifted(Summary.of(baseline), Summary.of(recent), 0.0);
    }

    /**
     * One new value against a baseline sample: t = (x - mean) / (sd * sqrt(1 + 1/n)), Student's t with n - 1 degrees
     * of freedom (the prediction interval test), one-sided upper tail. Used when only one anomalous window exists.
     */
    static Result predictionGreater(double[] baseline, double x) {
        Summary s = Summary.of(baseline);
        double sd = Math.sqrt(s.variance());
        double diff = x - s.mean();
        if (sd == 0 || s.n() < 2) {
            return new Result("prediction-t", diff > 0 ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY,
                    diff > 0 ? 0.0 : 1.0);
        }
        double t = diff / (sd * Math.sqrt(1 + 1.0 / s.n()));
        return new Result("prediction-t", t, 1.0 - new TDistribution(null, s.n() - 1).cumulativeProbability(t));
    }

    /** Pooled two-proportion z test, two-sided; z > 0 when the second proportion is larger. */
    static Result twoProportion(long x1, long n1, long x2, long n2) {
        double p1 = (double) x1 / n1;
        double p2 = (double) x2 / n2;
        double pooled = (double) (x1 + x2) / (n1 + n2);
        double se = Math.sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2));
        if (se == 0) {
            return new Result("two-proportion-z", 0.0, 1.0); // both 0% or both 100%: no difference
        }
        double z = (p2 - p1) / se;
        return new Result("two-proportion-z", z, Math.min(1.0, 2 * normalUpperTail(Math.abs(z))));
    }

    /** One-sided pooled two-proportion z test, H1: the second proportion is larger. */
    static Result twoProportionGreater(long x1, long n1, long x2, long n2) {
        Result two = twoProportion(x1, n1, x2, n2);
        return new Result("two-proportion-z", two.statistic(), normalUpperTail(two.statistic()));
    }

    /** Exact one-sided binomial test, H1: success probability > p0; P(X >= k | n, p0). */
    static Result binomialGreater(long k, long n, double p0) {
        BinomialDistribution b = new BinomialDistribution(null, Math.toIntExact(n), p0);
        double p = k <= 0 ? 1.0 : 1.0 - b.cumulativeProbability((int) k - 1);
        return new Result("binomial (exact, one-sided)", (double) k / n, Math.max(0.0, p));
    }
}
