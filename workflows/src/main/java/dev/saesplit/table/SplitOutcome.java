package dev.saesplit.table;

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

    @Override
    public String specName() {
        return specName;
    }
}
