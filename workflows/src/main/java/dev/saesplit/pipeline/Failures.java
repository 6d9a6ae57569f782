package dev.saesplit.pipeline;

import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;

/** Readable messages from Temporal's failure chains. */
public final class Failures {

    private Failures() {
    }

    /**
     * The innermost application message of {@code failure}: what actually went wrong. The search stops at the
     * first non-retryable application failure: the worker's classifier made it, with the message meant for the
     * user (a bad input's, naming the file; an unexpected error's, naming its type), and what lies beneath it
     * (a parser's own complaint, without the file) says less.
     */
    public static String rootMessage(Throwable failure) {
        String message = failure.getMessage();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ApplicationFailure application) {
                message = application.getOriginalMessage();
                if (application.isNonRetryable()
                        || FailureClassifyingInterceptor.UNEXPECTED_FAILURE.equals(application.getType())) {
                    break;
                }
            } else if (!(t instanceof TemporalFailure) && t.getMessage() != null) {
                message = t.getMessage();
            }
        }
        return message;
    }
}
