package dev.saesplit.store;

import dev.saesplit.pipeline.InfrastructureFault;
import dev.saesplit.text.Redaction;

/** The database cannot be reached or started; the message says which server or directory and why. */
public final class DatabaseUnavailableException extends RuntimeException implements InfrastructureFault {

    public DatabaseUnavailableException(String message) {
        super(Redaction.redact(message)); // messages name the server's URL, which may carry a password
    }

    public DatabaseUnavailableException(String message, Throwable cause) {
        super(Redaction.redact(message), cause);
    }
}
