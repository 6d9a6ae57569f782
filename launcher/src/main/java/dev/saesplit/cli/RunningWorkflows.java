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
        return chosen(client, experiment).workflowId();
    }

    /** A workflow and its state; empty when it was never started. */
    record Chosen(String workflowId, Optional<WorkflowExecutionStatus> status) {
    }

    /** As {@link #of}, with the chosen workflow's state, so a caller needs no second look. */
    static Chosen chosen(WorkflowClient client, String experiment) {
        Chosen full = look(client, WorkflowIds.experiment(experiment));
        if (full.status().filter(RunningWorkflows::running).isPresent()) {
            return full;
        }
        Chosen narrow = look(client, WorkflowIds.narrow(experiment));
        if (narrow.status().filter(RunningWorkflows::running).isPresent()
                || full.status().isEmpty() && narrow.status().isPresent()) {
            return narrow;
        }
        return full;
    }

    private static boolean running(WorkflowExecutionStatus status) {
        return status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
    }

    private static Chosen look(WorkflowClient client, String workflowId) {
        try {
            WorkflowExecutionStatus status = client.newUntypedWorkflowStub(workflowId).describe().getStatus();
            return new Chosen(workflowId, Optional.of(status));
        } catch (WorkflowNotFoundException e) {
            return new Chosen(workflowId, Optional.empty());
        }
    }
}
