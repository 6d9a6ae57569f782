package dev.saesplit.sae;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.saesplit.random.SplitMix64;

import java.util.function.BiFunction;

/**
 * Small SAEs, seeded data, vector arithmetic and SAEs run on the CPU over plain rows, shared by the SAE, init and
 * train tests.
 */
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

    /** The latents {@code weights} give {@code rows} (row-major, {@code d_in} wide), computed on the CPU. */
    public static float[] encodeOnCpu(SaeWeights weights, float[] rows) {
        return onCpu(weights, rows, SparseAutoencoder::encode);
    }

    /** The reconstructions {@code weights} give {@code rows} (row-major, {@code d_in} wide), computed on the CPU. */
    public static float[] reconstructOnCpu(SaeWeights weights, float[] rows) {
        return onCpu(weights, rows, SparseAutoencoder::reconstruct);
    }

    private static float[] onCpu(SaeWeights weights, float[] rows,
                                 BiFunction<SparseAutoencoder, NDArray, NDArray> step) {
        int dIn = weights.config().dIn();
        try (NDManager manager = ComputeDevice.newManager(Device.cpu());
             SparseAutoencoder sae = SparseAutoencoder.upload(weights, manager);
             NDArray input = manager.create(rows, new Shape(rows.length / dIn, dIn));
             NDArray output = step.apply(sae, input)) {
            return output.toFloatArray();
        }
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
