package dev.saesplit.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.saesplit.sae.SparseAutoencoder;
import java.nio.FloatBuffer;
import java.util.function.Supplier;

/**
 * The backward pass of {@link AnalyticBackprop} over the active (token, latent) pairs only, on the host. With
 * p = pairs, each product below costs p·d_in multiply-adds where the dense pass spends tokens·d_sae·d_in:
 * <pre>
 *   r_b        = Σ_{(b,j)} f_bj W_dec,j − (x_b − b_dec)           decoder forward (a weighted gather of rows)
 *   ∂L/∂pre_bj = g_b · W_dec,j + λ n_j / B    at the pairs only   (zero elsewhere, for every activation)
 *   ∂L/∂W_dec,j = Σ_{(b,j)} f_bj g_b                              (scatter into active rows)
 *   ∂L/∂W_enc,·j = Σ_{(b,j)} ∂L/∂pre_bj (x_b − b_dec)             (xᵀ times the sparse gradient)
 * </pre>
 * Host buffers and the two large gradient arrays are allocated once and reused every step; the gradients are
 * summed in small per-thread blocks and written straight into the native arrays' memory, with no host copy of
 * either. The output gradient stays on the host and becomes a native array only when the step asks for it (dead
 * latents' resampling). The arrays it returns that are not freshly allocated stay valid until the next step.
 */
final class SparseBackward {

    private final SparseAutoencoder sae;
    private final int batchSize;
    private final int dIn;
    private final int dSae;
    private final float[] decoder;
    private final float[] centered;
    private final float[] outputGradient;
    private float[] preGradient = new float[0];
    private final NDArray decoderGradientArray;
    private final NDArray encoderGradientArray;
    // the small results too are written into arrays kept between steps: a fresh array made from a Java array
    // holds a direct buffer until a collection, and such leftovers between the steps' large blocks kept the native
    // allocator from giving memory back
    private final NDArray encoderBiasGradientArray;
    private final NDArray latentSumsArray;
    private final NDArray activeCountsArray;
    private final NDArray tokenSumsArray;

    SparseBackward(SparseAutoencoder sae, int batchSize) {
        this.sae = sae;
        this.batchSize = batchSize;
        this.dIn = sae.config().dIn();
        this.dSae = sae.config().dSae();
        this.decoder = new float[dSae * dIn];
        this.centered = new float[batchSize * dIn];
        this.outputGradient = new float[batchSize * dIn];
        NDManager manager = sae.manager();
        this.decoderGradientArray = manager.zeros(new Shape(dSae, dIn));
        this.encoderGradientArray = manager.zeros(new Shape(dIn, dSae));
        this.encoderBiasGradientArray = manager.zeros(new Shape(dSae));
        this.latentSumsArray = manager.zeros(new Shape(dSae));
        this.activeCountsArray = manager.zeros(new Shape(dSae));
        this.tokenSumsArray = manager.zeros(new Shape(dIn));
    }

    /**
     * @param batch          the raw batch, {@code [tokens, d_in]}
     * @param decoderNorms   n_j, floored as the dense path floors them
     * @param penaltyScale   λ/B, or 0 without the L1 penalty
     */
    AnalyticBackprop.Backward run(ActiveLatents active, float[] batch, float[] decoderNorms, float penaltyScale,
                                  boolean withLatentSums, boolean withStatistics) {
        float[] decoderBias = sae.decoderBias().toFloatArray();
        for (int b = 0, o = 0; b < batchSize; b++) {
            for (int i = 0; i < dIn; i++, o++) {
                centered[o] = batch[o] - decoderBias[i];
            }
        }
        sae.decoderWeights().toByteBuffer(true).asFloatBuffer().get(decoder);

        SparseKernels.decodeMinus(active, decoder, centered, dIn, outputGradient);
        double squaredError = withStatistics ? squaredSum(outputGradient) : Double.NaN;
        float scale = 2f / batchSize;
        for (int i = 0; i < outputGradient.length; i++) {
            outputGradient[i] *= scale;
        }

        if (preGradient.length < active.pairs()) {
            preGradient = new float[active.pairs()];
        }
        float[] penalty = null;
        if (penaltyScale > 0) {
            // decoder-norm-weighted L1, as in SAELens
            penalty = new float[dSae];
            for (int j = 0; j < dSae; j++) {
                penalty[j] = decoderNorms[j] * penaltyScale;
            }
        }
        SparseKernels.sampledProduct(active, outputGradient, decoder, penalty, dIn, preGradient);
        SparseKernels.scatterRows(active, active.value, outputGradient, view(decoderGradientArray), preGradient,
                centered, view(encoderGradientArray), dIn);

        NDManager manager = sae.manager();
        view(encoderBiasGradientArray).put(0, active.latentSums(preGradient));
        if (withLatentSums) {
            view(latentSumsArray).put(0, active.latentSums(active.value));
        }
        view(activeCountsArray).put(0, active.latentCounts());
        view(tokenSumsArray).put(0, tokenSums(outputGradient));
        Supplier<NDArray> outputGradientArray = () -> manager.create(outputGradient, new Shape(batchSize, dIn));
        return new AnalyticBackprop.Backward(outputGradientArray, squaredError, tokenSumsArray, decoderGradientArray,
                encoderGradientArray, encoderBiasGradientArray, withLatentSums ? latentSumsArray : null,
                activeCountsArray);
    }

    private float[] tokenSums(float[] rows) {
        float[] sums = new float[dIn];
        for (int b = 0, o = 0; b < batchSize; b++) {
            for (int i = 0; i < dIn; i++, o++) {
                sums[i] += rows[o];
            }
        }
        return sums;
    }

    private static double squaredSum(float[] values) {
        double sum = 0;
        for (float v : values) {
            sum += (double) v * v;
        }
        return sum;
    }

    /** The array's own memory, to write through: no staging copy, no allocation. */
    private static FloatBuffer view(NDArray target) {
        return target.toByteBuffer(true).asFloatBuffer();
    }
}
