package dev.saesplit.train;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.saesplit.pipeline.ActivationsRef;
import dev.saesplit.pipeline.FilteredDataRef;
import dev.saesplit.pipeline.SaeRef;
import dev.saesplit.spec.ArchitectureSpec;
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
 * @param architecture the row's architecture and its training settings (JumpReLU's L0 coefficient), or {@code null}
 *                   for the initial SAE's own with the experiment's settings; left out of the JSON when absent, so
 *                   histories recorded before architectures existed replay
 */
public record TrainRequest(String experiment, String runId, SaeRef initial, ActivationsRef data,
                           FilteredDataRef filtered, TrainingSpec training, long tokens, long seed, int zeroLatent,
                           @JsonInclude(JsonInclude.Include.NON_NULL) ArchitectureSpec architecture) {

    /** A training with the initial SAE's architecture and the experiment's settings. */
    public TrainRequest(String experiment, String runId, SaeRef initial, ActivationsRef data, FilteredDataRef filtered,
                        TrainingSpec training, long tokens, long seed, int zeroLatent) {
        this(experiment, runId, initial, data, filtered, training, tokens, seed, zeroLatent, null);
    }

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
                row.loss() == LossChange.ZERO_TARGET ? targetLatent : NO_LATENT, row.architecture());
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
