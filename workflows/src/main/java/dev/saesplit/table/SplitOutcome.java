package dev.saesplit.table;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.saesplit.spec.SpecChoice;

/** The split-success column: whether the target latent split into specific children. */
public enum SplitOutcome implements SpecChoice {
    YES("yes"),
    NO("no"),
    PARTIAL("partial");

    private final String specName;

    SplitOutcome(String specName) {
        this.specName = specName;
    }

    @JsonValue
    @Override
    public String specName() {
        return specName;
    }
}
