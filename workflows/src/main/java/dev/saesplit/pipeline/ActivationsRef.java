package dev.saesplit.pipeline;

/**
 * Cached activations ready for training.
 *
 * @param artifact the activation cache
 * @param dIn      activation width
 * @param tokens   rows
 * @param model    the model they were read from (SAEs trained on them record it)
 * @param hook     the hook point they were read at
 */
public record ActivationsRef(ArtifactRef artifact, int dIn, long tokens, String model, String hook) {
}
