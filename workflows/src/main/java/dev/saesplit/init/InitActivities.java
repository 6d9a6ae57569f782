package dev.saesplit.init;

import dev.saesplit.pipeline.ActivationsRef;
import dev.saesplit.pipeline.SaeRef;
import io.temporal.activity.ActivityInterface;

/** Creates the starting weights of an SAE. */
@ActivityInterface
public interface InitActivities {

    SaeRef initialise(InitRequest request);

    /**
     * Records an SAE saved elsewhere in the SAELens layout as an artifact, checking it loads; its firing
     * frequencies are measured on {@code data} when it came without them.
     */
    SaeRef registerExisting(String experiment, String path, ActivationsRef data);
}
