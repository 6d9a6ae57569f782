package dev.saesplit.train;

import dev.saesplit.pipeline.TrainingProgress;
import io.temporal.client.WorkflowClient;

/** Where training progress goes: in production, a signal to the workflow that runs the training. */
@FunctionalInterface
public interface ProgressSink {

    void report(String workflowId, TrainingProgress progress);

    /** Signals {@code reportProgress} to the workflow; never fails, since progress is advisory. */
    static ProgressSink signalling(WorkflowClient client) {
        return (workflowId, progress) -> {
            try {
                client.newUntypedWorkflowStub(workflowId).signal("reportProgress", progress);
            } catch (RuntimeException e) {
                // The workflow may be closing or the server briefly unreachable; a progress bar lags, nothing else.
            }
        };
    }
}
