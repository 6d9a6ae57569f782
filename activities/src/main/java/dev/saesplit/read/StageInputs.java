package dev.saesplit.read;

import dev.saesplit.artifact.ArtifactStore;
import dev.saesplit.data.ActivationSources;
import dev.saesplit.data.ActivationSource;
import dev.saesplit.data.HeldOutSplit;
import dev.saesplit.data.RowRangeSource;
import dev.saesplit.data.ShuffleConfig;
import dev.saesplit.data.TokenedActivationSource;
import dev.saesplit.data.FilteredActivationSource;
import dev.saesplit.pipeline.ActivationsRef;
import dev.saesplit.pipeline.ArtifactRef;
import dev.saesplit.pipeline.FilteredDataRef;
import dev.saesplit.pipeline.SaeRef;
import dev.saesplit.sae.SaeLensFormat;
import dev.saesplit.sae.SaeWeights;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What the stages read, each from the reference a workflow hands them: activations (every row, the training rows,
 * the held-out rows, with their tokens where a model made them), the rows a filter kept, and SAEs. The one place
 * that knows how each is stored — an activation cache, registered {@code .npy} files or a stream; an index of kept
 * rows; the SAELens layout — so a stage reads its inputs here instead of importing the package of the stage that
 * wrote them. Sources returned are the caller's to close.
 */
public final class StageInputs {

    private final ArtifactStore store;

    private StageInputs(ArtifactStore store) {
        this.store = store;
    }

    /** The inputs as {@code store} holds them. */
    public static StageInputs of(ArtifactStore store) {
        return new StageInputs(store);
    }

    /** This machine's copy of {@code artifact}'s directory, fetched from a shared store if need be. */
    public Path directory(ArtifactRef artifact) {
        return store.localCopy(artifact);
    }

    /** Every row of {@code data}, training and held out. */
    public ActivationSource activations(ActivationsRef data) {
        return activations(directory(data.artifact()));
    }

    /** The rows SAEs and filters train on ({@link HeldOutSplit}). */
    public RowRangeSource trainingRows(ActivationsRef data) {
        return HeldOutSplit.training(activations(data));
    }

    /** The rows evaluations judge on, which no stage trains on ({@link HeldOutSplit}). */
    public RowRangeSource heldOutRows(ActivationsRef data) {
        return HeldOutSplit.heldOut(activations(data));
    }

    /** The rows of {@code trainingRows} that {@code filtered} kept; closing the view leaves the rows open. */
    public ActivationSource filteredRows(ActivationSource trainingRows, FilteredDataRef filtered) {
        return filteredRows(trainingRows, directory(filtered.artifact()));
    }

    /** An SAE as trained, initialised or imported. */
    public SaeWeights sae(SaeRef sae) {
        return SaeLensFormat.read(directory(sae.artifact()));
    }

    /** Every row of the activations in {@code dir}, a local activations directory. */
    public static ActivationSource activations(Path dir) {
        return ActivationSources.open(dir);
    }

    /** The activations in {@code dir} with each row's token, context and position; empty unless a model made them. */
    public static Optional<TokenedActivationSource> tokenedActivations(Path dir) {
        return ActivationSources.openModelCache(dir);
    }

    /** How training shuffles the activations in {@code dir}: a stream's buffer, or a cache's windows. */
    public static ShuffleConfig shuffleConfig(Path dir, int batchSize, long seed, int dIn) {
        return ActivationSources.shuffleConfig(dir, batchSize, seed, dIn);
    }

    /** The rows of {@code trainingRows} kept by the filter output in {@code filteredDirectory}. */
    public static ActivationSource filteredRows(ActivationSource trainingRows, Path filteredDirectory) {
        return FilteredActivationSource.open(trainingRows,
                filteredDirectory.resolve(FilteredDataRef.KEPT_ROWS_FILE));
    }
}
