package dev.saesplit.evaluate;

import dev.saesplit.pipeline.ActivationsRef;
import dev.saesplit.pipeline.SaeRef;
import dev.saesplit.spec.SplitCriteria;

/**
 * What to evaluate after a row's training.
 *
 * @param experiment   the experiment
 * @param runId        the run-table row
 * @param wide         the trained SAE
 * @param narrow       the narrow SAE whose latent is studied
 * @param targetLatent the studied latent's index in {@code narrow}
 * @param data         activations to measure on
 * @param criteria     what counts as a split
 */
public record EvaluationRequest(String experiment, String runId, SaeRef wide, SaeRef narrow, int targetLatent,
                                ActivationsRef data, SplitCriteria criteria) {
}
