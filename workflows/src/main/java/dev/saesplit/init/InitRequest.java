package dev.saesplit.init;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.saesplit.pipeline.ActivationsRef;
import dev.saesplit.pipeline.SaeRef;
import dev.saesplit.spec.ArchitectureSpec;
import dev.saesplit.spec.Init;

/**
 * How to initialise an SAE before training (configurations I and II).
 *
 * @param experiment the experiment, for provenance
 * @param runId      the run-table row, or empty for the narrow SAE
 * @param data       the activations the SAE will read (its width, model and hook)
 * @param width      latents
 * @param seed       seed of the fresh latents
 * @param init       random, or copied from {@code narrow}
 * @param normalised decoder rows rescaled to unit norm (copied latents keep their reconstruction)
 * @param narrow     the narrow SAE to copy, or {@code null} for a random init
 * @param architecture the architecture to train and its settings, or {@code null} for ReLU with the L1 penalty; left
 *                   out of the JSON when absent, so histories recorded before architectures existed replay
 */
public record InitRequest(String experiment, String runId, ActivationsRef data, int width, long seed, Init init,
                          boolean normalised, SaeRef narrow,
                          @JsonInclude(JsonInclude.Include.NON_NULL) ArchitectureSpec architecture) {

    /** A ReLU SAE's initialisation (the narrow SAE's, and every row's before architectures existed). */
    public InitRequest(String experiment, String runId, ActivationsRef data, int width, long seed, Init init,
                       boolean normalised, SaeRef narrow) {
        this(experiment, runId, data, width, seed, init, normalised, narrow, null);
    }
}
