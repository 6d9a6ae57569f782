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

    /** The kept rows' indices in the artifact's directory: an int64 {@code .npy} array, ascending. */
    public static final String KEPT_ROWS_FILE = "kept_rows.npy";

    public double keptFraction() {
        return scanned == 0 ? 0 : (double) kept / scanned;
    }
}
