package dev.saesplit.train;

import dev.saesplit.pipeline.ActivationsRef;
import dev.saesplit.pipeline.FilteredDataRef;
import dev.saesplit.pipeline.SaeRef;
import dev.saesplit.spec.TrainingSpec;

/**
 * One SAE training job.
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

    public long totalSteps() {
        return Math.max(1, tokens / training.batchSize());
    }
}
