package dev.saesplit.track;

import dev.saesplit.text.Redaction;

/** The tracking server cannot be reached or failed; what is pending stays queued for the next sync. */
public final class TrackingUnavailableException extends RuntimeException {

    public TrackingUnavailableException(String message, Throwable cause) {
        super(Redaction.redact(message), cause); // messages name the server's URI
    }
}
