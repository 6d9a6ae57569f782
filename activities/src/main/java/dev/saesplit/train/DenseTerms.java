package dev.saesplit.train;

import ai.djl.ndarray.NDArray;
import dev.saesplit.sae.SparseAutoencoder;

/**
 * One dense step's tensors as an {@link ArchitectureTraining} sees them once the reconstruction loss's gradients
 * exist, with the places its own terms go. With x̂ = f W_dec + b_dec and g = 2(x̂ − x)/B:
 * <ul>
 *   <li>{@link #latentGradient} is ∂L/∂f = g W_decᵀ (plus the L1 term), before it is masked by firing: a term that
 *       only reaches firing latents adds here;</li>
 *   <li>{@link #addPreGradient} takes a gradient at the pre-activations that is not masked (AuxK's dead latents,
 *       a straight-through estimator);</li>
 *   <li>{@link #decoderWeightsGradient} is added to in place;</li>
 *   <li>{@link #addOutputGradientSum} takes Σ_b ∂L/∂x̂ of a term whose reconstruction adds b_dec (Matryoshka's
 *       inner losses), which reaches b_dec directly;</li>
 *   <li>{@link #thresholdGradient} is the gradient of JumpReLU's threshold.</li>
 * </ul>
 * The encoder's gradients and b_dec's gradient through the encoder follow from the summed pre-activation gradient.
 */
final class DenseTerms {

    final SparseAutoencoder sae;
    final int batchSize;
    /** x − b_dec {@code [tokens, d_in]}. */
    final NDArray centered;
    /** (x − b_dec) W_enc + b_enc {@code [tokens, d_sae]}. */
    final NDArray pre;
    /** f, as decoded {@code [tokens, d_sae]}. */
    final NDArray latents;
    /** g = 2(x̂ − x)/B {@code [tokens, d_in]}. */
    final NDArray outputGradient;
    final NDArray latentGradient;
    final NDArray decoderWeightsGradient;
    /** The sparsity coefficient of this step (λ after its warm-up). */
    final double sparsityCoefficient;
    private NDArray preGradient;
    private NDArray outputGradientSum;
    NDArray thresholdGradient;

    DenseTerms(SparseAutoencoder sae, int batchSize, NDArray centered, NDArray pre, NDArray latents,
               NDArray outputGradient, NDArray latentGradient, NDArray decoderWeightsGradient,
               double sparsityCoefficient) {
        this.sae = sae;
        this.batchSize = batchSize;
        this.centered = centered;
        this.pre = pre;
        this.latents = latents;
        this.outputGradient = outputGradient;
        this.latentGradient = latentGradient;
        this.decoderWeightsGradient = decoderWeightsGradient;
        this.sparsityCoefficient = sparsityCoefficient;
    }

    void addPreGradient(NDArray gradient) {
        preGradient = preGradient == null ? gradient : preGradient.addi(gradient);
    }

    void addOutputGradientSum(NDArray sum) {
        outputGradientSum = outputGradientSum == null ? sum : outputGradientSum.addi(sum);
    }

    /** The unmasked pre-activation gradient added, or null. */
    NDArray preGradient() {
        return preGradient;
    }

    /** The extra Σ_b ∂L/∂x̂ added, or null. */
    NDArray outputGradientSum() {
        return outputGradientSum;
    }
}
