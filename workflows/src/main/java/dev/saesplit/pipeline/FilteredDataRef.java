package dev.saesplit.pipeline;

/**
 * The tokens on which the target latent fires above the threshold.
 *
 * @param artifact     the kept row indices and their statistics
 * @param targetLatent the narrow latent the filter used
 * @param scanned      tokens scanned
 * @param kept         tokens kept
 */
public record FilteredDataRef(ArtifactRef artifact, int targetLatent, long scanned, long kept) {

    public double keptFraction() {
        return scanned == 0 ? 0 : (double) kept / scanned;
    }
}
