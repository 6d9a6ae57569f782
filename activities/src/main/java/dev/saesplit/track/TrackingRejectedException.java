package dev.saesplit.track;

import dev.saesplit.text.Redaction;

/** The tracking server refused a request as invalid; sending it again would be refused again. */
public final class TrackingRejectedException extends RuntimeException {

    public TrackingRejectedException(String message, Throwable cause) {
        super(Redaction.redact(message), cause); // messages name the server's URI
    }
}
