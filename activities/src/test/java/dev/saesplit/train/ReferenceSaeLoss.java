package dev.saesplit.train;

import java.util.Arrays;

/**
 * The training loss evaluated plainly in double precision, straight from its definition, for checking the
 * hand-derived gradients by finite differences.
 */
final class ReferenceSaeLoss {

    final int dIn;
    final int dSae;
    final double[] encoderWeights;
    final double[] encoderBias;
    final double[] decoderWeights;
    final double[] decoderBias;
    private final float[] batch;
    private final int tokens;
    private final double sparsityCoefficient;
    private final int zeroTarget;
    private final int topK;

    /**
     * @param zeroTarget latent forced to zero, or -1
     * @param topK       latents kept per token, or 0 for ReLU with the L1 penalty
     */
    ReferenceSaeLoss(int dIn, int dSae, float[] wEnc, float[] bEnc, float[] wDec, float[] bDec, float[] batch,
                     double sparsityCoefficient, int zeroTarget, int topK) {
        this.dIn = dIn;
        this.dSae = dSae;
        this.encoderWeights = widen(wEnc);
        this.encoderBias = widen(bEnc);
        this.decoderWeights = widen(wDec);
        this.decoderBias = widen(bDec);
        this.batch = batch;
        this.tokens = batch.length / dIn;
        this.sparsityCoefficient = sparsityCoefficient;
        this.zeroTarget = zeroTarget;
        this.topK = topK;
    }

    private static double[] widen(float[] values) {
        double[] wide = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            wide[i] = values[i];
        }
        return wide;
    }

    /** Central finite difference of the loss with respect to {@code parameter[index]}. */
    double finiteDifference(double[] parameter, int index, double step) {
        double saved = parameter[index];
        parameter[index] = saved + step;
        double plus = loss();
        parameter[index] = saved - step;
        double minus = loss();
        parameter[index] = saved;
        return (plus - minus) / (2 * step);
    }

    double[] finiteDifferences(double[] parameter, double step) {
        double[] gradient = new double[parameter.length];
        for (int i = 0; i < parameter.length; i++) {
            gradient[i] = finiteDifference(parameter, i, step);
        }
        return gradient;
    }

    double loss() {
        double[] norms = new double[dSae];
        for (int latent = 0; latent < dSae; latent++) {
            double sum = 0;
            for (int i = 0; i < dIn; i++) {
                sum += decoderWeights[latent * dIn + i] * decoderWeights[latent * dIn + i];
            }
            norms[latent] = Math.sqrt(sum);
        }
        double squaredError = 0;
        double penalty = 0;
        double[] latents = new double[dSae];
        for (int b = 0; b < tokens; b++) {
            for (int latent = 0; latent < dSae; latent++) {
                double pre = encoderBias[latent];
                for (int i = 0; i < dIn; i++) {
                    pre += (batch[b * dIn + i] - decoderBias[i]) * encoderWeights[i * dSae + latent];
                }
                latents[latent] = Math.max(0, pre);
            }
            if (zeroTarget >= 0) {
                latents[zeroTarget] = 0; // before the selection: the zeroed latent takes no place in it
            }
            if (topK > 0) {
                double[] sorted = latents.clone();
                Arrays.sort(sorted);
                double threshold = sorted[dSae - topK];
                for (int latent = 0; latent < dSae; latent++) {
                    if (latents[latent] < threshold) {
                        latents[latent] = 0;
                    }
                }
            }
            for (int i = 0; i < dIn; i++) {
                double reconstruction = decoderBias[i];
                for (int latent = 0; latent < dSae; latent++) {
                    reconstruction += latents[latent] * decoderWeights[latent * dIn + i];
                }
                double error = reconstruction - batch[b * dIn + i];
                squaredError += error * error;
            }
            for (int latent = 0; latent < dSae; latent++) {
                penalty += latents[latent] * norms[latent];
            }
        }
        double l1 = topK > 0 ? 0 : sparsityCoefficient * penalty;
        return (squaredError + l1) / tokens;
    }
}
