package dev.saesplit.sae;

import dev.saesplit.random.SplitMix64;
/** Small SAEs, seeded data and vector arithmetic shared by the SAE, init and train tests. */
public final class SaeFixtures {

    private SaeFixtures() {
    }

    /** An SAE with unit-Gaussian weights, reading gelu-1l's MLP output. */
    public static SaeWeights randomSae(int dIn, int dSae, SaeArchitecture architecture, long seed) {
        SaeConfig config = SaeConfig.of(dIn, dSae, architecture, "gelu-1l", "blocks.0.hook_mlp_out");
        return new SaeWeights(config, gaussian(dIn * dSae, 1, seed), gaussian(dSae, 1, seed + 1),
                gaussian(dSae * dIn, 1, seed + 2), gaussian(dIn, 1, seed + 3));
    }

    /** {@code count} draws from N(0, scale²). */
    public static float[] gaussian(int count, double scale, long seed) {
        SplitMix64 random = new SplitMix64(seed);
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) (scale * random.nextGaussian());
        }
        return values;
    }

    public static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }

    public static double norm(float[] vector) {
        return Math.sqrt(dot(vector, vector));
    }

    public static double cosine(float[] a, float[] b) {
        return dot(a, b) / (norm(a) * norm(b));
    }
}
