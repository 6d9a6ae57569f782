package dev.saesplit.store;

/** A submitted spec would change an experiment whose runs have already started. */
public final class SpecConflictException extends RuntimeException {

    public SpecConflictException(String message) {
        super(message);
    }
}
