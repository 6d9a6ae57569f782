package dev.saesplit.sae;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.OptionalInt;

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

    /**
     * One latent's activation given every latent's pre-activation for one token, in double: the host-side twin of
     * {@link #activate} for code that encodes a row at a time (filtering). When {@link #latentsIndependent()},
     * only {@code preActivations[latent]} is read, and callers may pass an array holding just that entry.
     */
    float latentActivation(double[] preActivations, int latent);

    /**
     * For an architecture that keeps at most a fixed number of latents per token, that number for an SAE of
     * {@code dSae} latents; empty (the default) otherwise. Where present, {@link #activateCompact} is available.
     */
    default OptionalInt compactWidth(int dSae) {
        return OptionalInt.empty();
    }

    /**
     * {@link #activate}'s latents in compact form, on the host: for each of the {@code [tokens, d_sae]}
     * pre-activations' tokens, {@code compactWidth} latent indices and their values at
     * {@code [token · compactWidth, (token + 1) · compactWidth)} of {@code latents} and {@code values}; each value
     * {@code >= 0}, a latent active exactly where its value is {@code > 0}, every latent not listed 0. Lets a
     * sparse-aware trainer skip the dense {@code [tokens, d_sae]} result. Reads {@code preActivations} in place
     * (a CPU array) and leaves it to the caller.
     */
    default void activateCompact(NDArray preActivations, int[] latents, float[] values) {
        throw new UnsupportedOperationException(name() + " has no compact activation");
    }

    /**
     * Whether {@link #activate} is ReLU entry by entry: a latent fires exactly where its pre-activation is
     * {@code > 0}, with that value, so a sparse-aware trainer can read the firing pairs off the pre-activations
     * without making the activated copy.
     */
    default boolean activatesByRelu() {
        return false;
    }

    /** Whether a latent's activation depends on its own pre-activation only (not on the other latents'). */
    default boolean latentsIndependent() {
        return true;
    }

    /**
     * Whether pre-activations are multiplied by the norm of their decoder row before activation, and latents
     * divided by it before decoding (SAELens's TopK {@code rescale_acts_by_decoder_norm}).
     */
    default boolean scalesByDecoderNorm() {
        return false;
    }

    /**
     * Whether the SAE carries a per-latent {@code threshold [d_sae]} tensor that its activation reads (JumpReLU):
     * then {@link #activate(NDArray, NDArray)} and {@link #latentActivation(double[], int, float)} are the forms to
     * call, and the weights must hold the tensor.
     */
    default boolean hasThreshold() {
        return false;
    }

    /**
     * {@link #activate(NDArray)} for an SAE with per-latent thresholds {@code [d_sae]} (null where
     * {@link #hasThreshold()} is false); same ownership rules.
     */
    default NDArray activate(NDArray preActivations, NDArray thresholds) {
        return activate(preActivations);
    }

    /** {@link #latentActivation(double[], int)} given that latent's threshold (ignored without one). */
    default float latentActivation(double[] preActivations, int latent, float threshold) {
        return latentActivation(preActivations, latent);
    }

    /** Whether training adds the decoder-norm-weighted L1 penalty (sparsity by penalty, not by construction). */
    boolean usesSparsityPenalty();

    /** Writes the fields this architecture adds to {@code cfg.json}. */
    void writeConfigFields(ObjectNode cfg);
}
