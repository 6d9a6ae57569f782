package dev.saesplit.pipeline;

import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionException;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;

/**
 * Decides, per exception an activity throws, whether Temporal retries it. The retry policy itself
 * ({@link PipelineActivityOptions}) retries without limit, so this is where failures stop:
 * <ul>
 *   <li>{@link BadInput}: never retried; the failure keeps the message and type.</li>
 *   <li>Infrastructure faults ({@link InfrastructureFault}, I/O, SQL and connection errors anywhere in the cause
 *       chain, and Temporal's own failures): rethrown as they are, so they retry with backoff indefinitely.
 *       Timeouts never reach here; the server retries them under the same policy.</li>
 *   <li>Anything else is a bug or an unforeseen state that retrying rarely fixes: retried until the activity has
 *       been attempted {@link #UNEXPECTED_ATTEMPTS} times, then failed for good as {@link #UNEXPECTED_FAILURE}
 *       with the exception's own message, which then reaches {@code status}, the run table and MLflow.</li>
 * </ul>
 * The attempt count is Temporal's, so attempts that ended in infrastructure faults count too; that only makes an
 * unexpected error after a long outage give up sooner, never retry forever.
 */
public final class FailureClassifyingInterceptor extends WorkerInterceptorBase {

    /** Attempts an activity gets when it keeps failing unexpectedly. */
    public static final int UNEXPECTED_ATTEMPTS = 3;

    /** The failure type of an unexpected error that used up its attempts. */
    public static final String UNEXPECTED_FAILURE = "UnexpectedActivityError";

    @Override
    public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
        return new ActivityInboundCallsInterceptorBase(next) {
            private int attempt = 1;

            @Override
            public void init(ActivityExecutionContext context) {
                // The context is only reachable while the activity runs, so its attempt is read here.
                attempt = context.getInfo().getAttempt();
                super.init(context);
            }

            @Override
            public ActivityOutput execute(ActivityInput input) {
                try {
                    return super.execute(input);
                } catch (RuntimeException e) {
                    throw classify(e, attempt);
                }
            }
        };
    }

    /** What to throw instead of {@code e}, thrown on attempt {@code attempt} (1-based). */
    static RuntimeException classify(RuntimeException e, int attempt) {
        // A checked exception arrives wrapped by the SDK; its cause is what the activity threw.
        Throwable thrown = e instanceof BadInput || e.getCause() == null ? e : e.getCause();
        if (thrown instanceof BadInput) {
            return ApplicationFailure.newNonRetryableFailureWithCause(thrown.getMessage(),
                    thrown.getClass().getName(), thrown instanceof Exception ex ? ex : e);
        }
        if (isInfrastructure(e) || attempt < UNEXPECTED_ATTEMPTS) {
            return e;
        }
        return ApplicationFailure.newNonRetryableFailureWithCause(describe(thrown), UNEXPECTED_FAILURE, e);
    }

    /** Whether anything in {@code e}'s cause chain is a fault that waiting can fix. */
    static boolean isInfrastructure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InfrastructureFault || t instanceof IOException || t instanceof UncheckedIOException
                    || t instanceof SQLException || t instanceof TemporalFailure
                    || t instanceof ActivityCompletionException || isConnectionError(t)) {
                return true;
            }
        }
        return false;
    }

    /** gRPC (Temporal) and HTTP-client (MLflow) connection errors, matched by name: neither is a dependency here. */
    private static boolean isConnectionError(Throwable t) {
        String name = t.getClass().getName();
        return name.equals("io.grpc.StatusRuntimeException") || name.equals("io.grpc.StatusException")
                || name.startsWith("org.mlflow.tracking.Mlflow") && name.endsWith("Exception");
    }

    /** The message a user sees: the exception's own, or its type when it has none (e.g. a bare NPE). */
    private static String describe(Throwable t) {
        String message = t.getMessage();
        String type = t.getClass().getSimpleName();
        return message == null || message.isBlank() ? type : type + ": " + message;
    }
}
