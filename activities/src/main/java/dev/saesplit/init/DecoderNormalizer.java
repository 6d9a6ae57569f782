package dev.saesplit.init;

import dev.saesplit.sae.SaeWeights;

/**
 * Configuration II, "normalised": every decoder row rescaled to unit norm. For the latents that must keep
 * computing what they computed before (those copied from a narrow SAE) the encoder column and encoder bias
 * are scaled up by the same factor, so ReLU(scaled pre-activation) × unit row equals the old contribution.
 * (Exact for ReLU; a TopK SAE may rank latents differently after rescaling.)
 */
public final class DecoderNormalizer {

    private DecoderNormalizer() {
    }

    /**
     * @param preservedLatents latents {@code [0, preservedLatents)} keep their function; the rest only get
     *                         unit decoder rows
     */
    public static SaeWeights normalize(SaeWeights weights, int preservedLatents) {
        int dIn = weights.dIn();
        int dSae = weights.dSae();
        if (preservedLatents < 0 || preservedLatents > dSae) {
            throw new IllegalArgumentException("preserved latents " + preservedLatents + " outside [0, " + dSae + "]");
        }
        float[] encoderWeights = weights.encoderWeights();
        float[] encoderBias = weights.encoderBias();
        float[] decoderWeights = weights.decoderWeights();
        for (int latent = 0; latent < dSae; latent++) {
            double norm = rowNorm(decoderWeights, latent, dIn);
            if (norm == 0) {
                continue; // a zero row has no direction to keep; leave the latent as it is
            }
            for (int i = 0; i < dIn; i++) {
                decoderWeights[latent * dIn + i] = (float) (decoderWeights[latent * dIn + i] / norm);
            }
            if (latent < preservedLatents) {
                for (int i = 0; i < dIn; i++) {
                    encoderWeights[i * dSae + latent] = (float) (encoderWeights[i * dSae + latent] * norm);
                }
                encoderBias[latent] = (float) (encoderBias[latent] * norm);
            }
        }
        return new SaeWeights(weights.config(), encoderWeights, encoderBias, decoderWeights, weights.decoderBias());
    }

    private static double rowNorm(float[] matrix, int row, int width) {
        double sum = 0;
        for (int i = 0; i < width; i++) {
            double value = matrix[row * width + i];
            sum += value * value;
        }
        return Math.sqrt(sum);
    }
}
