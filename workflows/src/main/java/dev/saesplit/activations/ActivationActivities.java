package dev.saesplit.activations;

import dev.saesplit.pipeline.ActivationsRef;
import dev.saesplit.spec.ActivationSourceSpec;
import io.temporal.activity.ActivityInterface;

/** Makes an experiment's activations available as an activation cache. */
@ActivityInterface
public interface ActivationActivities {

    /**
     * Generates, indexes or caches the activations {@code source} describes; an identical source already cached
     * (by this or another experiment) is reused.
     */
    ActivationsRef ensureActivations(String experiment, ActivationSourceSpec source);
}
