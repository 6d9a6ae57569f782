package dev.saesplit.spec;

import com.fasterxml.jackson.annotation.JsonValue;
/** Configuration IV of the seed study: the training objective. */
public enum LossChange implements SpecChoice {
    /** MSE plus the sparsity penalty. */
    STANDARD("standard"),
    /** As standard, with the copied target latent's activation forced to zero before decoding. */
    ZERO_TARGET("zero-target");

    private final String specName;

    LossChange(String specName) {
        this.specName = specName;
    }

    @JsonValue
    @Override
    public String specName() {
        return specName;
    }
}
