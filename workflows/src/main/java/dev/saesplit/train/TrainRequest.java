package dev.saesplit.train;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.saesplit.pipeline.ActivationsRef;
import dev.saesplit.pipeline.FilteredDataRef;
import dev.saesplit.pipeline.SaeRef;
import dev.saesplit.spec.DataSelection;
import dev.saesplit.spec.LossChange;
import dev.saesplit.spec.RunSpec;
import dev.saesplit.spec.TrainingSpec;

/**
 * One SAE training job. Build one with {@link #forNarrow} or {@link #forRow}; the components keep the shape
 * recorded histories carry, sentinels included.
 *
 * @param experiment the experiment, for provenance and tracking
 * @param runId      the run-table row, or empty for the narrow SAE
 * @param initial    starting weights
 * @param data       the activations
 * @param filtered   the filtered-token subset to train on, or {@code null} for all tokens
 * @param training   optimiser settings
 * @param tokens     token budget
 * @param seed       data-order seed
 * @param zeroLatent latent whose activation is forced to zero (zero-target loss), or -1
 */
public record TrainRequest(String experiment, String runId, SaeRef initial, ActivationsRef data,
                           FilteredDataRef filtered, TrainingSpec training, long tokens, long seed, int zeroLatent) {

    /** The {@code runId} of the narrow SAE's training. */
    private static final String NARROW_RUN_ID = "";
    /** The {@code zeroLatent} of a training that zeroes no latent. */
    private static final int NO_LATENT = -1;

    /** The experiment's narrow SAE: no row, every token, no latent zeroed. */
    public static TrainRequest forNarrow(String experiment, SaeRef initial, ActivationsRef data, TrainingSpec training,
                                         long tokens, long seed) {
        return new TrainRequest(experiment, NARROW_RUN_ID, initial, data, null, training, tokens, seed, NO_LATENT);
    }

    /**
     * A run-table row's wide SAE, with the row's token budget and seed: on {@code filtered} if the row trains on
     * filtered data, and with {@code targetLatent} zeroed if its loss is zero-target (the copied target keeps its
     * index in the wide SAE).
     */
    public static TrainRequest forRow(String experiment, RunSpec row, SaeRef initial, ActivationsRef data,
                                      FilteredDataRef filtered, TrainingSpec training, int targetLatent) {
        return new TrainRequest(experiment, row.id(), initial, data,
                row.data() == DataSelection.FILTERED ? filtered : null, training, row.tokens(), row.seed(),
                row.loss() == LossChange.ZERO_TARGET ? targetLatent : NO_LATENT);
    }

    /** Whether this trains the experiment's narrow SAE rather than a row's. */
    @JsonIgnore
    public boolean isNarrow() {
        return runId.equals(NARROW_RUN_ID);
    }

    /** Whether this trains on the filtered tokens only. */
    @JsonIgnore
    public boolean trainsOnFiltered() {
        return filtered != null;
    }

    /** Whether a latent ({@link #zeroLatent()}) is forced to zero in training. */
    @JsonIgnore
    public boolean zeroesLatent() {
        return zeroLatent != NO_LATENT;
    }

    public long totalSteps() {
        return Math.max(1, tokens / training.batchSize());
    }
}
