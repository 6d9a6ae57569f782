package dev.saesplit.spec;

import com.fasterxml.jackson.annotation.JsonValue;
/** Configuration III of the seed study: which tokens the wide SAE trains on. */
public enum DataSelection implements SpecChoice {
    /** Every token of the activation source. */
    ALL("all"),
    /** Only tokens where the narrow SAE's target latent fires above the filter threshold. */
    FILTERED("filtered");

    private final String specName;

    DataSelection(String specName) {
        this.specName = specName;
    }

    @JsonValue
    @Override
    public String specName() {
        return specName;
    }
}
