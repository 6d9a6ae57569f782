package dev.saesplit.cli;

/** The experiment's workflow failed as a whole; the message carries the cause a user can act on. */
final class ExperimentFailedException extends RuntimeException {

    ExperimentFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
