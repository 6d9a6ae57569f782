package dev.saesplit.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.saesplit.random.SplitMix64;
import dev.saesplit.sae.SparseAutoencoder;
import java.util.OptionalInt;

/**
 * Re-initialises dead latents towards inputs the SAE reconstructs badly (Anthropic's resampling, 2023): each
 * dead latent takes a token drawn with probability ∝ its squared loss; its decoder row becomes the token's
 * centred activation at unit norm, its encoder column the same direction at 0.2 × the mean encoder norm of
 * live latents, its encoder bias zero, and its Adam moments are forgotten. Runs rarely, so it works on the host.
 */
final class DeadLatentResampler {

    private static final float ENCODER_NORM_FACTOR = 0.2f;
    private static final int[] TOKEN_AXIS = {0};
    private static final int[] FEATURE_AXIS = {1};

    private DeadLatentResampler() {
    }

    /**
     * @param batch          the step's input rows ({@code tokens × d_in})
     * @param outputGradient the step's d loss / d x̂, whose row norms rank tokens by loss
     * @param zeroTarget     a latent held at zero on purpose: silent by design, so never resampled
     * @return how many latents were resampled
     */
    static int resample(SparseAutoencoder sae, AdamOptimizer adam, FiringTracker tracker, float[] batch,
                        NDArray outputGradient, SplitMix64 random, OptionalInt zeroTarget) {
        boolean[] dead = tracker.deadLatents();
        zeroTarget.ifPresent(latent -> dead[latent] = false);
        int deadCount = 0;
        for (boolean flag : dead) {
            deadCount += flag ? 1 : 0;
        }
        if (deadCount == 0) {
            return 0;
        }
        int dIn = sae.config().dIn();
        int dSae = sae.config().dSae();
        double[] cumulative = cumulativeSquaredLoss(outputGradient.square().sum(FEATURE_AXIS).toFloatArray());
        float[] decoderBias = sae.decoderBias().toFloatArray();
        float encoderNorm = ENCODER_NORM_FACTOR * meanLiveEncoderNorm(sae, dead);

        float[] keep = new float[dSae];
        float[] newDecoder = new float[dSae * dIn];
        float[] newEncoder = new float[dIn * dSae];
        float[] direction = new float[dIn];
        for (int latent = 0; latent < dSae; latent++) {
            keep[latent] = dead[latent] ? 0f : 1f;
            if (!dead[latent]) {
                continue;
            }
            int token = sample(cumulative, random);
            double norm = 0;
            for (int i = 0; i < dIn; i++) {
                direction[i] = batch[token * dIn + i] - decoderBias[i];
                norm += (double) direction[i] * direction[i];
            }
            double unit = norm > 0 ? 1 / Math.sqrt(norm) : 0;
            for (int i = 0; i < dIn; i++) {
                float value = (float) (direction[i] * unit);
                newDecoder[latent * dIn + i] = value;
                newEncoder[i * dSae + latent] = value * encoderNorm;
            }
        }
        NDManager manager = sae.manager();
        try (NDArray keepVector = manager.create(keep);
             NDArray keepRow = keepVector.reshape(1, dSae);
             NDArray keepColumn = keepVector.reshape(dSae, 1);
             NDArray decoderRows = manager.create(newDecoder, new Shape(dSae, dIn));
             NDArray encoderColumns = manager.create(newEncoder, new Shape(dIn, dSae))) {
            sae.decoderWeights().muli(keepColumn).addi(decoderRows);
            sae.encoderWeights().muli(keepRow).addi(encoderColumns);
            sae.encoderBias().muli(keepVector);
            adam.resetLatents(keepVector, keepRow, keepColumn);
            tracker.resetLatents(keepVector);
        }
        return deadCount;
    }

    /** Cumulative sampling weights ∝ loss²; uniform when every token is reconstructed perfectly. */
    private static double[] cumulativeSquaredLoss(float[] tokenLoss) {
        double[] cumulative = new double[tokenLoss.length];
        double total = 0;
        for (int i = 0; i < tokenLoss.length; i++) {
            total += (double) tokenLoss[i] * tokenLoss[i];
            cumulative[i] = total;
        }
        if (!(total > 0)) {
            for (int i = 0; i < cumulative.length; i++) {
                cumulative[i] = i + 1;
            }
        }
        return cumulative;
    }

    private static int sample(double[] cumulative, SplitMix64 random) {
        double target = random.nextDouble() * cumulative[cumulative.length - 1];
        int low = 0;
        int high = cumulative.length - 1;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (cumulative[mid] > target) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        return low;
    }

    private static float meanLiveEncoderNorm(SparseAutoencoder sae, boolean[] dead) {
        float[] norms;
        try (NDArray columnNorms = sae.encoderWeights().norm(TOKEN_AXIS)) {
            norms = columnNorms.toFloatArray();
        }
        double sum = 0;
        int live = 0;
        for (int i = 0; i < norms.length; i++) {
            if (!dead[i]) {
                sum += norms[i];
                live++;
            }
        }
        return live > 0 ? (float) (sum / live) : 1f;
    }
}
