package dev.saesplit.spec;

import com.fasterxml.jackson.annotation.JsonValue;
/** Configuration I of the seed study: how the wide SAE's weights start. */
public enum Init implements SpecChoice {
    /** Kaiming-uniform initialisation. */
    RANDOM("random"),
    /** The first latents copy the narrow SAE's weights and biases; the rest start fresh. */
    NARROW("narrow");

    private final String specName;

    Init(String specName) {
        this.specName = specName;
    }

    @JsonValue
    @Override
    public String specName() {
        return specName;
    }
}
