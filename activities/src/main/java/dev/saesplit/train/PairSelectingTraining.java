package dev.saesplit.train;

import ai.djl.ndarray.NDArray;
import dev.saesplit.sae.SparseAutoencoder;

/**
 * An architecture's training that the sparse step covers through its own {@link #selectPairs}, not through the
 * plain firing pairs (BatchTopK's batch-wide selection, JumpReLU's thresholds and estimator band).
 */
interface PairSelectingTraining extends ArchitectureTraining {

    @Override
    default boolean sparseCovers() {
        return true;
    }

    @Override
    boolean selectPairs(NDArray pre, SparseAutoencoder sae, ActiveLatents firing, ActiveLatents extra, long maxPairs,
                        int excluded);
}
