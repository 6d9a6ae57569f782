package dev.saesplit.train;

import dev.saesplit.pipeline.TrainingProgress;
import dev.saesplit.worker.PendingHeartbeats;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.client.WorkflowClient;

import java.util.Optional;

/**
 * Reads a running training's progress from the heartbeat details of its pending activity, as the server holds
 * them: a describe call, which adds nothing to the workflow's history (a signal per report would, until the
 * history hit Temporal's event limit and the run was terminated).
 */
public final class TrainingProgressReader {

    /** The activity type Temporal names {@link TrainingActivities#train}. */
    public static final String TRAIN_ACTIVITY = "Train";

    private final WorkflowClient client;

    /**
     * A pending training as the server sees it.
     *
     * @param queued   scheduled but not started: every worker's training slots are taken (or none polls the
     *                 queue), or a retry waits out its backoff
     * @param progress the latest heartbeated progress; empty before the first report
     */
    public record PendingTraining(boolean queued, Optional<TrainingProgress> progress) {
    }

    public TrainingProgressReader(WorkflowClient client) {
        this.client = client;
    }

    /** The latest progress of the training {@code workflowId} runs now; empty if it runs none or none reported. */
    public Optional<TrainingProgress> of(String workflowId) {
        return pending(workflowId).flatMap(PendingTraining::progress);
    }

    /** The training {@code workflowId} runs now, queued or started; empty if it runs none. */
    public Optional<PendingTraining> pending(String workflowId) {
        return PendingHeartbeats.pending(client, workflowId, TRAIN_ACTIVITY).map(activity -> of(client, activity));
    }

    /** The training {@code activity} (a pending {@link #TRAIN_ACTIVITY}) as the server describes it. */
    public static PendingTraining of(WorkflowClient client, PendingActivityInfo activity) {
        return new PendingTraining(activity.getState() == PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED,
                PendingHeartbeats.details(client, activity, TrainingHeartbeat.class)
                        .map(TrainingHeartbeat::progress)
                        .filter(progress -> progress != null && progress.totalSteps() > 0));
    }
}
