package dev.saesplit.pipeline;

/**
 * Cached activations ready for training.
 *
 * @param artifact the activation cache
 * @param dIn      activation width
 * @param tokens   rows
 */
public record ActivationsRef(ArtifactRef artifact, int dIn, long tokens) {
}
