package dev.saesplit.store;

import dev.saesplit.pipeline.BadInput;

/** No experiment, or no run of one, of that name has been submitted. */
public final class UnknownExperimentException extends RuntimeException implements BadInput {

    private UnknownExperimentException(String message) {
        super(message);
    }

    public static UnknownExperimentException experiment(String name) {
        return new UnknownExperimentException("no experiment named '" + name + "' has been submitted; "
                + "'saesplit experiments' lists those that have");
    }

    public static UnknownExperimentException run(String experiment, String runId) {
        return new UnknownExperimentException("experiment '" + experiment + "' has no run '" + runId + "'; "
                + "'saesplit table " + experiment + "' lists its runs");
    }
}
