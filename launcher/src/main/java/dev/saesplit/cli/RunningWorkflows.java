package dev.saesplit.cli;

import dev.saesplit.pipeline.WorkflowIds;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;

import java.util.Optional;

/**
 * Which of an experiment's workflows a command about the experiment means: its own, or the one running only its
 * narrow stage ({@code run --until narrow}).
 */
final class RunningWorkflows {

    private RunningWorkflows() {
    }

    /**
     * The experiment's workflow, or its narrow-stage workflow where that one runs and the experiment's does not, or
     * where only the narrow stage was ever launched.
     */
    static String of(WorkflowClient client, String experiment) {
        String full = WorkflowIds.experiment(experiment);
        String narrow = WorkflowIds.narrow(experiment);
        Optional<WorkflowExecutionStatus> fullStatus = status(client, full);
        Optional<WorkflowExecutionStatus> narrowStatus = status(client, narrow);
        if (fullStatus.filter(RunningWorkflows::running).isPresent()) {
            return full;
        }
        if (narrowStatus.filter(RunningWorkflows::running).isPresent()
                || fullStatus.isEmpty() && narrowStatus.isPresent()) {
            return narrow;
        }
        return full;
    }

    private static boolean running(WorkflowExecutionStatus status) {
        return status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
    }

    private static Optional<WorkflowExecutionStatus> status(WorkflowClient client, String workflowId) {
        try {
            return Optional.of(client.newUntypedWorkflowStub(workflowId).describe().getStatus());
        } catch (WorkflowNotFoundException e) {
            return Optional.empty();
        }
    }
}
