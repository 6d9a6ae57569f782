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
 * @param threshold    the target fires on a token when its activation exceeds this
 * @param zeroedLatent the wide latent forced to zero in training (zero-target loss), or -1
 * @param filteredData whether the wide SAE was trained on the filtered tokens only
 * @param data         the experiment's activations; the evaluation reads their held-out rows
 * @param criteria     what counts as a split
 */
public record EvaluationRequest(String experiment, String runId, SaeRef wide, SaeRef narrow, int targetLatent,
                                double threshold, int zeroedLatent, boolean filteredData, ActivationsRef data,
                                SplitCriteria criteria) {
}
