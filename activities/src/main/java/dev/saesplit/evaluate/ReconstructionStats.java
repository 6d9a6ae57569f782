package dev.saesplit.evaluate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.saesplit.data.ActivationSource;
import dev.saesplit.data.ShuffleConfig;
import dev.saesplit.data.ShuffledBatchStream;
import dev.saesplit.sae.ComputeDevice;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.sae.SparseAutoencoder;

/**
 * How well an SAE reconstructs a seeded sample of activations, and how sparsely.
 *
 * @param mse               squared error summed over d_in, averaged over tokens
 * @param explainedVariance 1 − squared error / squared deviation from the sample's mean
 * @param l0                active latents per token
 * @param deadFraction      latents that never fired on the sample
 * @param tokens            tokens measured
 * @param deadLatents       per latent, whether it never fired on the sample
 */
public record ReconstructionStats(double mse, double explainedVariance, double l0, double deadFraction, long tokens,
                                  boolean[] deadLatents) {

    private static final int BATCH = 1024;
    private static final long SAMPLE_SEED = 0x5AE5;

    /** Measures {@code weights} on up to {@code maxTokens} rows of {@code source}, sampled with a fixed seed. */
    public static ReconstructionStats measure(SaeWeights weights, ActivationSource source, long maxTokens) {
        int batch = (int) Math.min(BATCH, source.tokens());
        long batches = Math.max(1, Math.min(maxTokens, source.tokens()) / batch);
        int dIn = weights.dIn();
        float[] rows = new float[batch * dIn];
        double squaredError = 0;
        double squaredDeviation = 0;
        double active = 0;
        boolean[] fired = new boolean[weights.dSae()];
        try (NDManager manager = ComputeDevice.newManager(ComputeDevice.selected());
             SparseAutoencoder sae = SparseAutoencoder.upload(weights, manager);
             ShuffledBatchStream sample = new ShuffledBatchStream(source,
                     ShuffleConfig.forWidth(batch, SAMPLE_SEED, dIn))) {
            for (long b = 0; b < batches; b++) {
                sample.next(rows);
                try (NDManager step = manager.newSubManager()) {
                    NDArray x = step.create(rows, new Shape(batch, dIn));
                    NDArray latents = sae.encode(x);
                    NDArray reconstruction = sae.decode(latents);
                    squaredError += x.sub(reconstruction).square().sum().getFloat();
                    squaredDeviation += x.sub(x.mean(new int[] {0})).square().sum().getFloat();
                    float[] firings = latents.gt(0).toType(DataType.FLOAT32, false).sum(new int[] {0}).toFloatArray();
                    for (int j = 0; j < fired.length; j++) {
                        active += firings[j];
                        fired[j] |= firings[j] > 0;
                    }
                }
            }
        }
        long tokens = batches * batch;
        boolean[] dead = new boolean[fired.length];
        int deadCount = 0;
        for (int j = 0; j < fired.length; j++) {
            dead[j] = !fired[j];
            deadCount += dead[j] ? 1 : 0;
        }
        return new ReconstructionStats(squaredError / tokens,
                squaredDeviation == 0 ? 0 : 1 - squaredError / squaredDeviation, active / tokens,
                (double) deadCount / fired.length, tokens, dead);
    }
}
