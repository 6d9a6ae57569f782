package dev.saesplit.run;

import dev.saesplit.pipeline.ActivationsRef;
import dev.saesplit.pipeline.FilteredDataRef;
import dev.saesplit.pipeline.SaeRef;
import dev.saesplit.spec.ActivationSourceSpec;
import dev.saesplit.spec.RunSpec;
import dev.saesplit.spec.SplitCriteria;
import dev.saesplit.spec.TrainingSpec;

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
 */
public record SplitRunInput(String experiment, RunSpec run, ActivationsRef data, FilteredDataRef filtered,
                            SaeRef narrow, int targetLatent, double threshold, TrainingSpec training,
                            SplitCriteria criteria, ActivationSourceSpec source) {
}
