package dev.saesplit.pipeline;

import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionException;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.sql.SQLException;
import java.util.zip.DataFormatException;
import java.util.zip.ZipException;

/**
 * Decides, per exception an activity throws, whether Temporal retries it. The retry policy itself
 * ({@link PipelineActivityOptions}) retries until each activity's overall deadline, so this is where most failures
 * stop; the classification is total, every throwable lands in exactly one of:
 * <ul>
 *   <li>Bad input, never retried: a {@link BadInput} anywhere in the cause chain (the failure keeps its message
 *       and type); any {@link Error} ({@code StackOverflowError}, {@code OutOfMemoryError}: what a hostile file
 *       provokes, and what a retry would provoke again); and content that cannot be decoded, surfacing as
 *       I/O ({@link #isMalformedContent malformed text, a truncated or corrupt archive, unparsable JSON}).</li>
 *   <li>Infrastructure faults ({@link InfrastructureFault}, other I/O, SQL and connection errors anywhere in the
 *       cause chain, and Temporal's own failures): rethrown as they are, so they retry with backoff until the
 *       activity's schedule-to-close bound, after which the row fails with the last message. Timeouts never reach
 *       here; the server retries them under the same policy.</li>
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

    /** The failure type of an {@link Error} or undecodable content: bad input that carries no type of its own. */
    public static final String BAD_INPUT_FAILURE = "BadInputError";

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
                } catch (RuntimeException | Error e) {
                    throw classify(e, attempt);
                }
            }
        };
    }

    /** What to throw instead of {@code e}, thrown on attempt {@code attempt} (1-based). */
    static RuntimeException classify(Throwable e, int attempt) {
        Throwable bad = badInputIn(e);
        if (bad != null) {
            return ApplicationFailure.newNonRetryableFailureWithCause(bad.getMessage(), bad.getClass().getName(),
                    bad instanceof Exception ex ? ex : null);
        }
        // A checked exception arrives wrapped by the SDK; its cause is what the activity threw.
        Throwable thrown = e.getCause() == null ? e : e.getCause();
        if (e instanceof Error || thrown instanceof Error || isMalformedContent(e)) {
            return ApplicationFailure.newNonRetryableFailure(describe(thrown), BAD_INPUT_FAILURE);
        }
        if (e instanceof RuntimeException runtime && (isInfrastructure(e) || attempt < UNEXPECTED_ATTEMPTS)) {
            return runtime;
        }
        return ApplicationFailure.newNonRetryableFailureWithCause(describe(thrown), UNEXPECTED_FAILURE,
                e instanceof Exception ex ? ex : null);
    }

    /** The first {@link BadInput} in {@code e}'s cause chain, or null. */
    private static Throwable badInputIn(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof BadInput) {
                return t;
            }
        }
        return null;
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

    /**
     * Whether {@code e} is a parser's complaint about content dressed as I/O: undecodable text, a file that ends
     * early, a corrupt zip or deflate stream, JSON or YAML that does not parse. Such a file reads the same on
     * every attempt. A database or connection error above it in the chain still makes it infrastructure (a
     * socket closed mid-read also ends in an {@link EOFException}).
     */
    static boolean isMalformedContent(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InfrastructureFault || t instanceof SQLException || t instanceof TemporalFailure
                    || t instanceof ActivityCompletionException || isConnectionError(t)) {
                return false;
            }
            if (t instanceof CharacterCodingException || t instanceof EOFException || t instanceof ZipException
                    || t instanceof DataFormatException || isJacksonParseError(t)) {
                return true;
            }
        }
        return false;
    }

    /** Jackson's parse and mapping errors (JSON and YAML) share one base class. */
    private static boolean isJacksonParseError(Throwable t) {
        for (Class<?> c = t.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getName().equals("com.fasterxml.jackson.core.JacksonException")) {
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
