package dev.saesplit.train;

import dev.saesplit.pipeline.TrainingProgress;
import dev.saesplit.worker.PendingHeartbeats;
import io.temporal.client.WorkflowClient;

import java.util.Optional;

/**
 * Reads a running training's progress from the heartbeat details of its pending activity, as the server holds
 * them: a describe call, which adds nothing to the workflow's history (a signal per report would, until the
 * history hit Temporal's event limit and the run was terminated).
 */
public final class TrainingProgressReader {

    /** The activity type Temporal names {@link TrainingActivities#train}. */
    static final String TRAIN_ACTIVITY = "Train";

    private final WorkflowClient client;

    public TrainingProgressReader(WorkflowClient client) {
        this.client = client;
    }

    /** The latest progress of the training {@code workflowId} runs now; empty if it runs none or none reported. */
    public Optional<TrainingProgress> of(String workflowId) {
        return PendingHeartbeats.latest(client, workflowId, TRAIN_ACTIVITY, TrainingHeartbeat.class)
                .map(TrainingHeartbeat::progress)
                .filter(progress -> progress.totalSteps() > 0);
    }
}
