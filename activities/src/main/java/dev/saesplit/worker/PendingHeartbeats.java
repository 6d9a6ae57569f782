package dev.saesplit.worker;

import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.WorkflowClient;

import java.util.Optional;

/**
 * The latest heartbeat details of a workflow's pending activity, as the server holds them: a describe call, which
 * adds nothing to the workflow's history, so activities report progress in heartbeats rather than in signals
 * (a signal per report would grow the history until Temporal's event limit ended the run).
 */
public final class PendingHeartbeats {

    private PendingHeartbeats() {
    }

    /**
     * The details last heartbeated by the pending activity of {@code activityType} that {@code workflowId} runs;
     * empty if it runs none or that one has not heartbeated yet.
     */
    public static <T> Optional<T> latest(WorkflowClient client, String workflowId, String activityType,
                                         Class<T> details) {
        return pending(client, workflowId, activityType).flatMap(activity -> details(client, activity, details));
    }

    /** The pending activity of {@code activityType} that {@code workflowId} runs, as the server describes it. */
    public static Optional<PendingActivityInfo> pending(WorkflowClient client, String workflowId,
                                                        String activityType) {
        return describe(client, workflowId).getPendingActivitiesList().stream()
                .filter(activity -> activityType.equals(activity.getActivityType().getName()))
                .findFirst();
    }

    /** The workflow as the server describes it: its times, state and pending activities, in one call. */
    public static DescribeWorkflowExecutionResponse describe(WorkflowClient client, String workflowId) {
        return client.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
                DescribeWorkflowExecutionRequest.newBuilder()
                        .setNamespace(client.getOptions().getNamespace())
                        .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                        .build());
    }

    /** The activity's last heartbeat details; empty before its first heartbeat. */
    public static <T> Optional<T> details(WorkflowClient client, PendingActivityInfo activity, Class<T> details) {
        if (!activity.hasHeartbeatDetails()) {
            return Optional.empty();
        }
        return Optional.ofNullable(client.getOptions().getDataConverter().fromPayloads(0,
                Optional.of(activity.getHeartbeatDetails()), details, details));
    }
}
