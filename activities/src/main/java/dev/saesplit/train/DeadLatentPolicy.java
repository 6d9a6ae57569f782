package dev.saesplit.train;

/**
 * How latent firing is watched and what happens to latents that stop firing.
 *
 * @param windowTokens   a latent that has not fired for this many tokens is dead; firing frequencies
 *                       (dense fraction, {@code sparsity.safetensors}) are measured over windows of this size
 * @param denseFrequency a latent firing on more than this fraction of a window's tokens is dense
 * @param resample       whether dead latents are re-initialised towards badly reconstructed inputs
 * @param resampleEvery  steps between resampling rounds
 */
public record DeadLatentPolicy(long windowTokens, double denseFrequency, boolean resample, int resampleEvery) {

    public static final DeadLatentPolicy DEFAULTS = new DeadLatentPolicy(5_000_000L, 0.1, false, 25_000);

    public DeadLatentPolicy {
        if (windowTokens < 1 || !(denseFrequency > 0 && denseFrequency <= 1) || resampleEvery < 1) {
            throw new IllegalArgumentException("dead-latent policy needs windowTokens >= 1, 0 < denseFrequency <= 1"
                    + " and resampleEvery >= 1; got " + windowTokens + ", " + denseFrequency + ", " + resampleEvery);
        }
    }

    public DeadLatentPolicy withResampling(int everySteps) {
        return new DeadLatentPolicy(windowTokens, denseFrequency, true, everySteps);
    }

    public DeadLatentPolicy withWindowTokens(long tokens) {
        return new DeadLatentPolicy(tokens, denseFrequency, resample, resampleEvery);
    }
}
