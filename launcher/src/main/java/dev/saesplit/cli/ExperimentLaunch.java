package dev.saesplit.cli;

import dev.saesplit.experiment.ExperimentWorkflow;
import dev.saesplit.pipeline.TaskQueues;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;

/**
 * Starts an experiment's workflow, or attaches to it when it already runs: {@code run} follows it, {@code submit
 * --start} leaves it to the workers. One place, so both launch it alike.
 */
final class ExperimentLaunch {

    private ExperimentLaunch() {
    }

    /** The experiment workflow {@code workflowId}, started with {@code spec} unless it already runs. */
    static ExperimentWorkflow start(WorkflowClient client, String workflowId, dev.saesplit.spec.ExperimentSpec spec) {
        ExperimentWorkflow workflow = client.newWorkflowStub(ExperimentWorkflow.class,
                WorkflowOptions.newBuilder()
                        .setWorkflowId(workflowId)
                        .setTaskQueue(TaskQueues.CPU)
                        .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
                        .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
                        .build());
        WorkflowClient.start(workflow::run, spec);
        return workflow;
    }
}
