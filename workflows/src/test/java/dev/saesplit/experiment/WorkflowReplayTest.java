package dev.saesplit.experiment;

import dev.saesplit.run.SplitRunWorkflowImpl;
import io.temporal.testing.WorkflowReplayer;
import org.junit.jupiter.api.Test;

/**
 * Recorded histories of both workflows replay against the current code. A change that would break running
 * executions (reordered activities, a new call in the middle of the pipeline) fails here; such a change needs
 * {@code Workflow.getVersion}, then a fresh recording.
 */
class WorkflowReplayTest {

    @Test
    void aRecordedExperimentReplaysDeterministically() throws Exception {
        WorkflowReplayer.replayWorkflowExecutionFromResource("histories/experiment.json",
                ExperimentWorkflowImpl.class);
    }

    @Test
    void aRecordedRunReplaysDeterministically() throws Exception {
        WorkflowReplayer.replayWorkflowExecutionFromResource("histories/split-run.json", SplitRunWorkflowImpl.class);
    }
}
