package dev.saesplit.track;

/** An experiment's report cannot be written: it never reached the report stage, or what it saved is unreadable. */
public final class ReportUnavailableException extends RuntimeException {

    public ReportUnavailableException(String message) {
        super(message);
    }

    public ReportUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
