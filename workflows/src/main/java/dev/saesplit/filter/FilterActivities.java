package dev.saesplit.filter;

import dev.saesplit.pipeline.ActivationsRef;
import dev.saesplit.pipeline.FilteredDataRef;
import dev.saesplit.pipeline.SaeRef;
import dev.saesplit.spec.TargetLatent;
import io.temporal.activity.ActivityInterface;

/** Chooses the target latent and the tokens where it fires (configuration III). */
@ActivityInterface
public interface FilterActivities {

    /** The narrow latent's index: as given, or the one best matching a synthetic ground-truth parent. */
    int resolveTarget(ActivationsRef data, SaeRef narrow, TargetLatent target);

    /** Keeps the tokens on which {@code targetLatent} of {@code narrow} fires above {@code threshold}. */
    FilteredDataRef selectFiltered(String experiment, ActivationsRef data, SaeRef narrow, int targetLatent,
                                   double threshold);
}
