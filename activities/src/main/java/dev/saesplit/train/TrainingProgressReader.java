package dev.saesplit.train;

import dev.saesplit.pipeline.TrainingProgress;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
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
        var request = DescribeWorkflowExecutionRequest.newBuilder()
                .setNamespace(client.getOptions().getNamespace())
                .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                .build();
        var described = client.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(request);
        for (PendingActivityInfo activity : described.getPendingActivitiesList()) {
            if (TRAIN_ACTIVITY.equals(activity.getActivityType().getName()) && activity.hasHeartbeatDetails()) {
                TrainingHeartbeat details = client.getOptions().getDataConverter().fromPayloads(0,
                        Optional.of(activity.getHeartbeatDetails()), TrainingHeartbeat.class, TrainingHeartbeat.class);
                if (details.progress() != null && details.progress().totalSteps() > 0) {
                    return Optional.of(details.progress());
                }
            }
        }
        return Optional.empty();
    }
}
