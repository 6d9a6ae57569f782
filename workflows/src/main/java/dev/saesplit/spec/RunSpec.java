package dev.saesplit.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.nio.file.Path;

/**
 * One row of the run table: a wide SAE trained under one configuration, or an SAE trained elsewhere ({@code sae})
 * that is evaluated as one would be, its configuration fields then describing how it was trained.
 *
 * @param id        the row's id, unique within the experiment; names its workflow and tracking run
 * @param purpose   why the row exists, in the researcher's words
 * @param width     latents of the SAE this row trains
 * @param seed      seed for initialisation and data order
 * @param init      configuration I
 * @param normalised configuration II: decoder rows rescaled to unit norm (applies to any init)
 * @param data      configuration III
 * @param loss      configuration IV
 * @param tokens    training token budget
 * @param reported  what a published study reported for this configuration, if it restates one; empty otherwise
 * @param sae       an existing SAE to evaluate instead of training one (a SAELens directory or a
 *                  1L-Sparse-Autoencoder {@code .pt}), or {@code null}; left out of the spec's JSON when absent, so
 *                  specs and payloads recorded before it existed read and fingerprint as before
 */
public record RunSpec(
        String id,
        String purpose,
        int width,
        long seed,
        Init init,
        boolean normalised,
        DataSelection data,
        LossChange loss,
        long tokens,
        String reported,
        @JsonInclude(JsonInclude.Include.NON_NULL) Path sae) {

    /** A row that trains its SAE. */
    public RunSpec(String id, String purpose, int width, long seed, Init init, boolean normalised, DataSelection data,
                   LossChange loss, long tokens, String reported) {
        this(id, purpose, width, seed, init, normalised, data, loss, tokens, reported, null);
    }

    /** Whether the row evaluates an existing SAE instead of training one. */
    public boolean evaluatesExisting() {
        return sae != null;
    }
}
