package dev.saesplit.pipeline;

import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;

/** Readable messages from Temporal's failure chains. */
public final class Failures {

    private Failures() {
    }

    /**
     * The innermost application message of {@code failure}: what actually went wrong. An unexpected error's
     * failure already names the exception's type beside its message, so the search stops there.
     */
    public static String rootMessage(Throwable failure) {
        String message = failure.getMessage();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ApplicationFailure application) {
                message = application.getOriginalMessage();
                if (FailureClassifyingInterceptor.UNEXPECTED_FAILURE.equals(application.getType())) {
                    break;
                }
            } else if (!(t instanceof TemporalFailure) && t.getMessage() != null) {
                message = t.getMessage();
            }
        }
        return message;
    }
}
