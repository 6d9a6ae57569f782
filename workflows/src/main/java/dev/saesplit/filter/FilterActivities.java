package dev.saesplit.filter;

import dev.saesplit.pipeline.ActivationsRef;
import dev.saesplit.pipeline.FilteredDataRef;
import dev.saesplit.pipeline.SaeRef;
import dev.saesplit.spec.ActivationSourceSpec;
import dev.saesplit.spec.TargetLatent;
import io.temporal.activity.ActivityInterface;

/** Chooses the target latent and the tokens where it fires (configuration III). */
@ActivityInterface
public interface FilterActivities {

    /** The narrow latent's index: as given, or the one best matching a synthetic ground-truth parent. */
    int resolveTarget(ActivationsRef data, SaeRef narrow, TargetLatent target);

    /**
     * The narrow latent with the highest mean activation on {@code token} (one token of {@code source}'s tokenizer),
     * with its specificity; recorded as the experiment's {@code target/...} metrics.
     */
    TokenTarget chooseTokenTarget(String experiment, ActivationsRef data, SaeRef narrow, String token,
                                  ActivationSourceSpec.Model source);

    /** Keeps the tokens on which {@code targetLatent} of {@code narrow} fires above {@code threshold}. */
    FilteredDataRef selectFiltered(String experiment, ActivationsRef data, SaeRef narrow, int targetLatent,
                                   double threshold);
}
