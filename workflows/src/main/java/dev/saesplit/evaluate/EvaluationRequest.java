package dev.saesplit.evaluate;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.saesplit.pipeline.ActivationsRef;
import dev.saesplit.pipeline.SaeRef;
import dev.saesplit.spec.ActivationSourceSpec;
import dev.saesplit.spec.DataSelection;
import dev.saesplit.spec.LossChange;
import dev.saesplit.spec.RunSpec;
import dev.saesplit.spec.SplitCriteria;

/**
 * What to evaluate after a row's training. Build one with {@link #forRow}; the components keep the shape recorded
 * histories carry, sentinels included.
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
 * @param source       where {@code data} came from; a {@link ActivationSourceSpec.Model} lets evaluation reach the
 *                     language model (loss recovered, contexts, logits), e.g. through the activities module's
 *                     {@code LanguageModel.open(source, manager)}. {@code null} in requests recorded before it was
 *                     carried, which are evaluated without the model
 */
// Requests recorded by other versions may carry fields this one lacks: ignored, so histories replay.
@JsonIgnoreProperties(ignoreUnknown = true)
public record EvaluationRequest(String experiment, String runId, SaeRef wide, SaeRef narrow, int targetLatent,
                                double threshold, int zeroedLatent, boolean filteredData, ActivationsRef data,
                                SplitCriteria criteria, ActivationSourceSpec source) {

    /** The {@code zeroedLatent} of an SAE trained with no latent zeroed. */
    private static final int NO_LATENT = -1;

    /**
     * The evaluation of {@code row}'s SAE {@code wide}: trained on the filtered tokens if the row selects them, with
     * {@code targetLatent} zeroed if its loss is zero-target (the copied target keeps its index in the wide SAE).
     */
    public static EvaluationRequest forRow(String experiment, RunSpec row, SaeRef wide, SaeRef narrow, int targetLatent,
                                           double threshold, ActivationsRef data, SplitCriteria criteria,
                                           ActivationSourceSpec source) {
        return new EvaluationRequest(experiment, row.id(), wide, narrow, targetLatent, threshold,
                row.loss() == LossChange.ZERO_TARGET ? targetLatent : NO_LATENT,
                row.data() == DataSelection.FILTERED, data, criteria, source);
    }

    /** The language model behind the activations, when they came from one. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public java.util.Optional<ActivationSourceSpec.Model> model() {
        return source instanceof ActivationSourceSpec.Model m ? java.util.Optional.of(m) : java.util.Optional.empty();
    }
}
