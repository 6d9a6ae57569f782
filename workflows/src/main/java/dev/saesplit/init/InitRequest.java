package dev.saesplit.init;

import dev.saesplit.pipeline.ActivationsRef;
import dev.saesplit.pipeline.SaeRef;
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
 */
public record InitRequest(String experiment, String runId, ActivationsRef data, int width, long seed, Init init,
                          boolean normalised, SaeRef narrow) {
}
