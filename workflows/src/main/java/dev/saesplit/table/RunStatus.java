package dev.saesplit.table;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.saesplit.spec.SpecChoice;

/** Where a run-table row (or a whole experiment) stands. */
public enum RunStatus implements SpecChoice {
    PENDING("pending"),
    RUNNING("running"),
    SUCCEEDED("succeeded"),
    FAILED("failed"),
    CANCELLED("cancelled");

    private final String specName;

    RunStatus(String specName) {
        this.specName = specName;
    }

    @JsonValue
    @Override
    public String specName() {
        return specName;
    }
}
