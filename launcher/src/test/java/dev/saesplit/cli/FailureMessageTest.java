package dev.saesplit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.temporal.failure.ApplicationFailure;
import org.junit.jupiter.api.Test;

/** A failed run's message is printed once, as the activity wrote it, not again inside Temporal's wrapper. */
class FailureMessageTest {

    @Test
    void aFailureFromAnActivityIsPrintedOnce() {
        String problem = "model.pth: tensor 'unembed.W_U' missing";
        ApplicationFailure activity = ApplicationFailure.newNonRetryableFailure(problem,
                "dev.saesplit.lm.ModelWeightsException");

        String printed = SaesplitCommand.describe(new ExperimentFailedException("experiment 'x' failed: " + problem,
                new RuntimeException("workflow failed", activity)));

        assertEquals("experiment 'x' failed: " + problem, printed);
    }

    @Test
    void aCauseThatSaysMoreIsStillAdded() {
        String printed = SaesplitCommand.describe(new ExperimentFailedException("experiment 'x' failed",
                ApplicationFailure.newFailure("disk full", "IOException")));

        assertEquals("experiment 'x' failed: disk full", printed);
    }
}
