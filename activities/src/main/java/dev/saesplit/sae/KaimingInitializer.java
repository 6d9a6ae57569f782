package dev.saesplit.sae;

import dev.saesplit.sae.SaeConfig;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.random.SplitMix64;

/**
 * Fresh SAE weights as SAELens starts them: decoder rows Kaiming-uniform (fan-in d_in) rescaled to a chosen
 * norm, encoder the decoder's transpose, biases zero. Generated on the host from a {@link SplitMix64}, so a
 * seed gives the same SAE on every device.
 */
public final class KaimingInitializer {

    /** SAELens's default initial decoder row norm. */
    public static final double DEFAULT_DECODER_NORM = 0.1;

    private KaimingInitializer() {
    }

    public static SaeWeights initialize(SaeConfig config, double decoderNorm, long seed) {
        int dIn = config.dIn();
        int dSae = config.dSae();
        float[] encoderWeights = new float[dIn * dSae];
        float[] decoderWeights = new float[dSae * dIn];
        initializeLatents(encoderWeights, decoderWeights, dIn, dSae, 0, decoderNorm, new SplitMix64(seed));
        return new SaeWeights(config, encoderWeights, new float[dSae], decoderWeights, new float[dIn]);
    }

    /**
     * Fills latents {@code [fromLatent, dSae)}: their decoder rows and, transposed, their encoder columns.
     * Biases are left to the caller (fresh latents start at zero).
     */
    public static void initializeLatents(float[] encoderWeights, float[] decoderWeights, int dIn, int dSae,
                                  int fromLatent, double decoderNorm, SplitMix64 random) {
        if (!(decoderNorm > 0) || Double.isInfinite(decoderNorm)) {
            throw new IllegalArgumentException("decoder norm must be positive and finite, was " + decoderNorm);
        }
        // kaiming_uniform_ with its default leaky-ReLU gain sqrt(2): bound = sqrt(6 / fan_in).
        float bound = (float) Math.sqrt(6.0 / dIn);
        float[] row = new float[dIn];
        for (int latent = fromLatent; latent < dSae; latent++) {
            double squaredNorm = 0;
            for (int i = 0; i < dIn; i++) {
                row[i] = random.nextUniform(-bound, bound);
                squaredNorm += (double) row[i] * row[i];
            }
            double scale = decoderNorm / Math.sqrt(squaredNorm);
            for (int i = 0; i < dIn; i++) {
                float value = (float) (row[i] * scale);
                decoderWeights[latent * dIn + i] = value;
                encoderWeights[i * dSae + latent] = value;
            }
        }
    }
}
