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
    private float[] extraPreGradient = new float[0];
    /** An extra loss's reconstruction, then its output gradient; null without {@link #addExtra}. */
    private final float[] extraRows;
    private final float[] zeros;
    private final NDArray extraDecoderGradientArray;
    private final NDArray extraEncoderGradientArray;
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
        this(sae, batchSize, false);
    }

    /** @param withExtra whether steps add an extra loss's pairs ({@link #addExtra}) */
    SparseBackward(SparseAutoencoder sae, int batchSize, boolean withExtra) {
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
        this.extraRows = withExtra ? new float[batchSize * dIn] : null;
        this.zeros = withExtra ? new float[batchSize * dIn] : null;
        this.extraDecoderGradientArray = withExtra ? manager.zeros(new Shape(dSae, dIn)) : null;
        this.extraEncoderGradientArray = withExtra ? manager.zeros(new Shape(dIn, dSae)) : null;
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

    /**
     * Adds an extra reconstruction loss over its own pairs to the last {@link #run}'s gradients, as AuxK's:
     * ê = Σ_{(b,j)} a_bj W_dec,j (no b_dec), loss weight · Σ_b ‖ê_b + r_b‖² / B with the residual r of the main
     * reconstruction held fixed, so its output gradient is h = weight · (2ê/B + g) and, as for the main pairs,
     * ∂/∂pre_bj = h_b · W_dec,j, ∂/∂W_dec,j += Σ a_bj h_b, ∂/∂W_enc,·j += Σ ∂/∂pre_bj (x_b − b_dec).
     */
    void addExtra(ActiveLatents extra, float weight, AnalyticBackprop.Backward main) {
        if (extra.pairs() == 0 || weight == 0) {
            return;
        }
        SparseKernels.decodeMinus(extra, decoder, zeros, dIn, extraRows);
        float scale = 2f / batchSize;
        for (int i = 0; i < extraRows.length; i++) {
            extraRows[i] = weight * (extraRows[i] * scale + outputGradient[i]);
        }
        if (extraPreGradient.length < extra.pairs()) {
            extraPreGradient = new float[extra.pairs()];
        }
        SparseKernels.sampledProduct(extra, extraRows, decoder, null, dIn, extraPreGradient);
        SparseKernels.scatterRows(extra, extra.value, extraRows, view(extraDecoderGradientArray), extraPreGradient,
                centered, view(extraEncoderGradientArray), dIn);
        main.decoderWeightsGradient().addi(extraDecoderGradientArray);
        main.encoderWeightsGradient().addi(extraEncoderGradientArray);
        addToBiasGradient(main, extra.latentSums(extraPreGradient));
    }

    int batchSize() {
        return batchSize;
    }

    NDManager manager() {
        return sae.manager();
    }

    /**
     * Per pair of {@code pairs}, the gradient reaching its latent from the last {@link #run}'s reconstruction,
     * g_b · W_dec,j (before any firing mask).
     */
    float[] latentGradientAt(ActiveLatents pairs) {
        float[] out = new float[pairs.pairs()];
        SparseKernels.sampledProduct(pairs, outputGradient, decoder, null, dIn, out);
        return out;
    }

    /**
     * Adds a gradient at the pre-activations of {@code pairs} ({@code perPair}) to the last {@link #run}'s encoder
     * gradients: ∂/∂W_enc,·j += Σ perPair (x_b − b_dec), ∂/∂b_enc,j += Σ perPair.
     */
    void addPreGradient(ActiveLatents pairs, float[] perPair, AnalyticBackprop.Backward main) {
        SparseKernels.scatterRows(pairs, perPair, centered, view(extraDecoderGradientArray), perPair, centered,
                view(extraEncoderGradientArray), dIn);
        main.encoderWeightsGradient().addi(extraEncoderGradientArray);
        addToBiasGradient(main, pairs.latentSums(perPair));
    }

    private void addToBiasGradient(AnalyticBackprop.Backward main, float[] sums) {
        float[] biasGradient = new float[dSae];
        view(main.encoderBiasGradient()).get(0, biasGradient);
        for (int j = 0; j < dSae; j++) {
            biasGradient[j] += sums[j];
        }
        view(main.encoderBiasGradient()).put(0, biasGradient);
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
