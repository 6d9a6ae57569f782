package dev.saesplit.track;

/** The tracking server cannot be reached or failed; what is pending stays queued for the next sync. */
public final class TrackingUnavailableException extends RuntimeException {

    public TrackingUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
