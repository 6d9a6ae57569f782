package dev.saesplit.cli;

import dev.saesplit.pipeline.CachingProgress;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;

import java.util.Optional;

/**
 * The caching activity's progress, read from its latest heartbeat as the server holds it: the activity reports
 * through heartbeats rather than signals, so a long cache adds nothing to the workflow's history.
 */
final class CachingHeartbeats {

    private static final String ACTIVITY = "EnsureActivations";

    private CachingHeartbeats() {
    }

    static Optional<CachingProgress> latest(WorkflowClient client, String workflowId) {
        try {
            var response = client.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
                    DescribeWorkflowExecutionRequest.newBuilder()
                            .setNamespace(client.getOptions().getNamespace())
                            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                            .build());
            for (PendingActivityInfo activity : response.getPendingActivitiesList()) {
                if (activity.getActivityType().getName().equals(ACTIVITY) && activity.hasHeartbeatDetails()) {
                    CachingProgress progress = client.getOptions().getDataConverter().fromPayloads(0,
                            Optional.of(activity.getHeartbeatDetails()), CachingProgress.class, CachingProgress.class);
                    return progress == null || progress.totalTokens() == 0 ? Optional.empty() : Optional.of(progress);
                }
            }
            return Optional.empty();
        } catch (RuntimeException notAvailable) {
            return Optional.empty(); // progress is a nicety; the result is followed separately
        }
    }
}
