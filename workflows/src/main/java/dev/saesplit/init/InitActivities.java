package dev.saesplit.init;

import dev.saesplit.pipeline.ActivationsRef;
import dev.saesplit.pipeline.SaeRef;
import io.temporal.activity.ActivityInterface;

/** Creates the starting weights of an SAE. */
@ActivityInterface
public interface InitActivities {

    SaeRef initialise(InitRequest request);

    /**
     * Records an SAE saved elsewhere as an artifact in the SAELens layout, checking it loads: a SAELens directory,
     * or a {@code N.pt} of Neel Nanda's 1L-Sparse-Autoencoder (with {@code N_cfg.json} beside it), converted, the
     * originals' SHA-256 kept beside it. Its firing frequencies are measured on {@code data} when it came without
     * them. The narrow SAE named by {@code narrow_sae.path}.
     */
    SaeRef registerExisting(String experiment, String path, ActivationsRef data);

    /** {@link #registerExisting} for a run-table row that evaluates an existing SAE ({@code sae: PATH}). */
    SaeRef importForRow(String experiment, String runId, String path, ActivationsRef data);
}
