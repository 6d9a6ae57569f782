package dev.saesplit.sae;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What distinguishes one SAE architecture from another: the activation that turns encoder pre-activations
 * into latents, whether training adds the sparsity penalty, and the extra {@code cfg.json} fields it needs.
 * Implementations are registered by name in {@link SaeArchitectures}.
 */
public interface SaeArchitecture {

    /** The {@code architecture} value in {@code cfg.json}. */
    String name();

    /**
     * Latent activations for pre-activations {@code [tokens, dSae]}. Takes ownership of
     * {@code preActivations}: it may be overwritten, returned or closed, so callers must not use it
     * afterwards. Every result is {@code >= 0} and a latent counts as active exactly where it is {@code > 0}:
     * the trainer's backward pass relies on it.
     */
    NDArray activate(NDArray preActivations);

    /** Whether training adds the decoder-norm-weighted L1 penalty (sparsity by penalty, not by construction). */
    boolean usesSparsityPenalty();

    /** Writes the fields this architecture adds to {@code cfg.json}. */
    void writeConfigFields(ObjectNode cfg);
}
