package dev.saesplit.init;

import dev.saesplit.pipeline.SaeRef;
import io.temporal.activity.ActivityInterface;

/** Creates the starting weights of an SAE. */
@ActivityInterface
public interface InitActivities {

    SaeRef initialise(InitRequest request);

    /** Records an SAE saved elsewhere in the SAELens layout as an artifact, checking it loads. */
    SaeRef registerExisting(String experiment, String path);
}
