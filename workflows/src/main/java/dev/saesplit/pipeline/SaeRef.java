package dev.saesplit.pipeline;

/**
 * An SAE saved in the SAELens layout.
 *
 * @param artifact its directory
 * @param dIn      input width
 * @param width    latents ({@code d_sae})
 */
public record SaeRef(ArtifactRef artifact, int dIn, int width) {
}
