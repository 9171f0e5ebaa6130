package io.beastmode.simulator;

import java.util.Random;

/**
 * How fast and how reliably a model serves: time to first token = (base + prefill per uncached prompt token) x noise,
 * decode = per-output-token time x output tokens x noise, noise lognormal with median 1. The figures are assumptions
 * of the right order for hosted GPT-4 Turbo and Mixtral 8x7B in late 2023, not measurements.
 */
public record ModelProfile(String model, String provider, double ttftBaseMs, double prefillMsPerToken, double tpotMs,
                           double baseErrorRate, double ttftSigma, double tpotSigma) {

    public static final ModelProfile GPT4_TURBO = new ModelProfile(RouteLlmQuality.STRONG_MODEL, "openai",
            520, 0.045, 32, 0.004, 0.30, 0.15);
    public static final ModelProfile MIXTRAL = new ModelProfile(RouteLlmQuality.WEAK_MODEL, "mistral",
            240, 0.020, 13, 0.004, 0.30, 0.15);

    /** Sampled timings of one call, ms. */
    public record Timing(double ttftMs, double decodeMs) {
        public double totalMs() {
            return ttftMs + decodeMs;
        }
    }

    /**
     * @param uncachedInputTokens prompt tokens whose KV is not cached (prefix hits skip the rest)
     * @param slowdown            1 normally, the incident's factor while the model is degraded
     */
    public Timing sample(int uncachedInputTokens, int outputTokens, double slowdown, Random rng) {
        double ttft = (ttftBaseMs + prefillMsPerToken * uncachedInputTokens) * Math.exp(ttftSigma * rng.nextGaussian());
        double decode = tpotMs * outputTokens * Math.exp(tpotSigma * rng.nextGaussian());
        return new Timing(ttft * slowdown, decode * slowdown);
    }
}
