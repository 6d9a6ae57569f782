package dev.saesplit.store;

import dev.saesplit.pipeline.InfrastructureFault;

/** The database cannot be reached or started; the message says which server or directory and why. */
public final class DatabaseUnavailableException extends RuntimeException implements InfrastructureFault {

    public DatabaseUnavailableException(String message) {
        super(message);
    }

    public DatabaseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
