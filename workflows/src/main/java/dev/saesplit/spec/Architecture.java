package dev.saesplit.spec;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The SAE architecture a run-table row trains: how latents are made sparse. Each is trained as SAELens v6 trains
 * it; the names are the spec's, SAELens's own names are in brackets where they differ.
 */
public enum Architecture implements SpecChoice {
    /** ReLU with the decoder-norm-weighted L1 penalty (SAELens's {@code standard}); the seed study's architecture. */
    RELU("relu"),
    /** The k largest pre-activations of each token. */
    TOPK("topk"),
    /** The k·B largest of a batch's B tokens, k per token on average; saved as JumpReLU with one threshold. */
    BATCHTOPK("batchtopk"),
    /** A learned threshold per latent, trained with an L0 penalty through straight-through estimators. */
    JUMPRELU("jumprelu"),
    /**
     * BatchTopK whose latents form nested groups, each prefix trained to reconstruct on its own
     * ({@code matryoshka_batchtopk}); saved as JumpReLU.
     */
    MATRYOSHKA("matryoshka");

    private final String specName;

    Architecture(String specName) {
        this.specName = specName;
    }

    @JsonValue
    @Override
    public String specName() {
        return specName;
    }

    /** Whether the row names its sparsity by {@code k}, latents per token. */
    public boolean takesK() {
        return this == TOPK || this == BATCHTOPK || this == MATRYOSHKA;
    }
}
