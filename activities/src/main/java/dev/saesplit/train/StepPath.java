package dev.saesplit.train;

/**
 * How the backward pass uses the sparsity of the latents. Both paths compute the same loss and gradients (to
 * floating-point rounding); the choice is a function of the weights and the batch, so a resumed run repeats it.
 */
public enum StepPath {
    /** Sparse when few enough (token, latent) pairs fired on this batch, dense otherwise. */
    AUTO,
    /** Always the five dense products. */
    DENSE,
    /** Always the active pairs only, however many fired. */
    SPARSE
}
