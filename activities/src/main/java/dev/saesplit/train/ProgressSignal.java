package dev.saesplit.train;

import dev.saesplit.pipeline.TrainingProgress;
import io.temporal.client.WorkflowClient;

import java.time.Duration;

/**
 * Tells the workflow that runs a training how far it is, for {@code progress()} queries. At most one signal
 * every two seconds (each is an event in the workflow's history), and never fatal: a lost update only makes
 * a progress bar lag.
 */
final class ProgressSignal {

    private static final long MIN_INTERVAL_NANOS = Duration.ofSeconds(2).toNanos();

    private final WorkflowClient client;
    private final String workflowId;
    private long lastSent = Long.MIN_VALUE;

    ProgressSignal(WorkflowClient client, String workflowId) {
        this.client = client;
        this.workflowId = workflowId;
    }

    void maybeSend(TrainingProgress progress) {
        long now = System.nanoTime();
        if (lastSent != Long.MIN_VALUE && now - lastSent < MIN_INTERVAL_NANOS) {
            return;
        }
        send(progress);
        lastSent = now;
    }

    void send(TrainingProgress progress) {
        try {
            client.newUntypedWorkflowStub(workflowId).signal("reportProgress", progress);
        } catch (RuntimeException e) {
            // The workflow may be closing or the server briefly unreachable; progress is advisory.
        }
    }
}
