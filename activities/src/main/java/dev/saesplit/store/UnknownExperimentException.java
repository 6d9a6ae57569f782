package dev.saesplit.store;

/** No experiment of that name has been submitted. */
public final class UnknownExperimentException extends RuntimeException {

    public UnknownExperimentException(String name) {
        super("no experiment named '" + name + "' has been submitted; 'saesplit experiments' lists those that have");
    }
}
