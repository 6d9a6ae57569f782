package dev.saesplit.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParseException;
import io.temporal.activity.ActivityOptions;
import io.temporal.failure.ApplicationFailure;
import java.io.EOFException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.nio.charset.MalformedInputException;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

class FailureClassifyingInterceptorTest {

    private static final class MalformedFile extends RuntimeException implements BadInput {
        MalformedFile(String message) {
            super(message);
        }
    }

    private static ApplicationFailure nonRetryable(RuntimeException classified) {
        ApplicationFailure failure = assertInstanceOfApplicationFailure(classified);
        assertTrue(failure.isNonRetryable(), "not retried: " + failure);
        return failure;
    }

    private static ApplicationFailure assertInstanceOfApplicationFailure(RuntimeException classified) {
        assertTrue(classified instanceof ApplicationFailure, "an ApplicationFailure: " + classified);
        return (ApplicationFailure) classified;
    }

    @Test
    void anErrorIsBadInputOnTheFirstAttempt() {
        ApplicationFailure failure = nonRetryable(
                FailureClassifyingInterceptor.classify(new StackOverflowError(), 1));
        assertEquals("StackOverflowError", failure.getOriginalMessage());
        nonRetryable(FailureClassifyingInterceptor.classify(new OutOfMemoryError("Java heap space"), 1));
    }

    @Test
    void undecodableContentSurfacingAsIoIsBadInput() {
        List<Throwable> parserComplaints = List.of(
                new UncheckedIOException("cannot read docs.jsonl", new MalformedInputException(1)),
                new UncheckedIOException("cannot read data.pkl", new EOFException("premature end of file")),
                new UncheckedIOException("cannot read config.json", new JsonParseException(null, "bad")));
        for (Throwable complaint : parserComplaints) {
            nonRetryable(FailureClassifyingInterceptor.classify(complaint, 1));
        }
    }

    @Test
    void aBadInputWrappedByAnotherExceptionIsStillBadInput() {
        RuntimeException wrapped = new IllegalStateException("while loading",
                new MalformedFile("model.pth: data.pkl is truncated"));
        ApplicationFailure failure = nonRetryable(FailureClassifyingInterceptor.classify(wrapped, 1));
        assertEquals("model.pth: data.pkl is truncated", failure.getOriginalMessage());
        assertEquals(MalformedFile.class.getName(), failure.getType());
    }

    @Test
    void connectionAndDatabaseFaultsStillRetry() {
        RuntimeException reset = new UncheckedIOException(new ConnectException("connection reset"));
        assertSame(reset, FailureClassifyingInterceptor.classify(reset, 50));
        RuntimeException socketClosed = new IllegalStateException(new SQLException("I/O error",
                new EOFException()));
        assertSame(socketClosed, FailureClassifyingInterceptor.classify(socketClosed, 50));
    }

    @Test
    void everyRetriedActivityHasAnOverallBound() {
        for (ActivityOptions options : List.of(PipelineActivityOptions.TRAINING, PipelineActivityOptions.DATA,
                PipelineActivityOptions.SHORT_IO)) {
            boolean bounded = options.getScheduleToCloseTimeout() != null
                    || options.getRetryOptions().getMaximumAttempts() > 0;
            assertTrue(bounded, "retries are bounded for " + options);
        }
    }

    @Test
    void aBadInputsMessageIsTheOneShownNotItsParsersCause() {
        RuntimeException parser = new IllegalStateException("opcode 'X' claims 2147483647 bytes");
        RuntimeException bad = new MalformedFile("model.pth: data.pkl cannot be unpickled");
        bad.initCause(parser);

        RuntimeException classified = FailureClassifyingInterceptor.classify(bad, 1);

        assertEquals("model.pth: data.pkl cannot be unpickled", Failures.rootMessage(
                new IllegalStateException("activity failed", classified)));
    }
}
