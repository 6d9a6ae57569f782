package dev.saesplit.spec;

import com.fasterxml.jackson.annotation.JsonIgnore;
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
 * @param architecture the architecture the row trains and its settings, or {@code null} for ReLU with the L1
 *                  penalty (the seed study's); left out of the JSON when absent, for the same reason as {@code sae}
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
        @JsonInclude(JsonInclude.Include.NON_NULL) Path sae,
        @JsonInclude(JsonInclude.Include.NON_NULL) ArchitectureSpec architecture) {

    /** A row that trains its SAE. */
    public RunSpec(String id, String purpose, int width, long seed, Init init, boolean normalised, DataSelection data,
                   LossChange loss, long tokens, String reported) {
        this(id, purpose, width, seed, init, normalised, data, loss, tokens, reported, null, null);
    }

    /** A row that evaluates {@code sae} (or, with {@code null}, trains a ReLU SAE). */
    public RunSpec(String id, String purpose, int width, long seed, Init init, boolean normalised, DataSelection data,
                   LossChange loss, long tokens, String reported, Path sae) {
        this(id, purpose, width, seed, init, normalised, data, loss, tokens, reported, sae, null);
    }

    /** The architecture this row trains: {@link Architecture#RELU} unless it names another. */
    @JsonIgnore
    public Architecture architectureName() {
        return architecture == null ? Architecture.RELU : architecture.name();
    }

    /** Whether the row evaluates an existing SAE instead of training one. */
    public boolean evaluatesExisting() {
        return sae != null;
    }
}
