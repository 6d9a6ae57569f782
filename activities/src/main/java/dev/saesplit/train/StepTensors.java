package dev.saesplit.train;

import ai.djl.ndarray.NDArray;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What a forward and backward pass leaves for the rest of the step; every array lives until the step's scope
 * closes.
 *
 * @param gradients        gradients of the loss
 * @param activeCounts     per latent, tokens of the batch on which it fired {@code [d_sae]}
 * @param outputGradient   d loss / d x̂ {@code [tokens, d_in]}, proportional to the residual; made on first use
 * @param statistics       batch metrics, when the step asked for them
 * @param sparse           whether the backward pass ran on the active pairs only
 * @param activePairs      firing (token, latent) pairs when sparse, else -1 (not counted)
 */
record StepTensors(Gradients gradients, NDArray activeCounts, Supplier<NDArray> outputGradient,
                   Optional<BatchStatistics> statistics, boolean sparse, int activePairs) {
}
