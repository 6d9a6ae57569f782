package dev.saesplit.track;

/** The tracking server refused a request as invalid; sending it again would be refused again. */
public final class TrackingRejectedException extends RuntimeException {

    public TrackingRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
