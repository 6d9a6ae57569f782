package dev.saesplit.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.saesplit.evaluate.EvaluationRequest;
import dev.saesplit.init.InitRequest;
import dev.saesplit.pipeline.ActivationsRef;
import dev.saesplit.pipeline.FilteredDataRef;
import dev.saesplit.pipeline.SaeRef;
import dev.saesplit.spec.ActivationSourceSpec;
import dev.saesplit.spec.Init;
import dev.saesplit.spec.RunSpec;
import dev.saesplit.spec.SplitCriteria;
import dev.saesplit.spec.TrainingSpec;
import dev.saesplit.train.TrainRequest;

/**
 * Everything one run-table row needs, resolved by the experiment before the row starts.
 *
 * @param experiment   the experiment's name
 * @param run          the row
 * @param data         the activations
 * @param filtered     the filtered tokens, or {@code null} when no row of the experiment uses them
 * @param narrow       the narrow SAE
 * @param targetLatent the studied latent's index in {@code narrow}
 * @param threshold    the target latent fires on a token when its activation exceeds this
 * @param training     optimiser settings
 * @param criteria     what counts as a split
 * @param source       where the activations came from: for a language model, what evaluation needs to reach it
 *                     ({@code null} in inputs recorded before it was carried)
 * @param trained      the row's SAE, trained already with other rows from one data stream, which the row only
 *                     evaluates; {@code null} for a row that trains its own (and in inputs recorded before it)
 */
public record SplitRunInput(String experiment, RunSpec run, ActivationsRef data, FilteredDataRef filtered,
                            SaeRef narrow, int targetLatent, double threshold, TrainingSpec training,
                            SplitCriteria criteria, ActivationSourceSpec source,
                            @JsonInclude(JsonInclude.Include.NON_NULL) SaeRef trained) {

    /** A row that trains its own SAE. */
    public SplitRunInput(String experiment, RunSpec run, ActivationsRef data, FilteredDataRef filtered,
                         SaeRef narrow, int targetLatent, double threshold, TrainingSpec training,
                         SplitCriteria criteria, ActivationSourceSpec source) {
        this(experiment, run, data, filtered, narrow, targetLatent, threshold, training, criteria, source, null);
    }

    /** The same row, handed the SAE trained for it. */
    public SplitRunInput withTrained(SaeRef sae) {
        return new SplitRunInput(experiment, run, data, filtered, narrow, targetLatent, threshold, training, criteria,
                source, sae);
    }

    /** How the row's SAE starts: its width, seed and init, from the narrow SAE where it copies it. */
    public InitRequest initRequest() {
        return new InitRequest(experiment, run.id(), data, run.width(), run.seed(), run.init(), run.normalised(),
                run.init() == Init.NARROW ? narrow : null, run.architecture());
    }

    /** The row's training from {@code initial}, on its data selection and with its own seed. */
    public TrainRequest trainRequest(SaeRef initial) {
        return TrainRequest.forRow(experiment, run, initial, data, filtered, training, targetLatent);
    }

    public EvaluationRequest evaluationRequest(SaeRef sae) {
        return EvaluationRequest.forRow(experiment, run, sae, narrow, targetLatent, threshold, data, criteria, source);
    }
}
