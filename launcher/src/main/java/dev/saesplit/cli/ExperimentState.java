package dev.saesplit.cli;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.saesplit.pipeline.Failures;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowStub;

/**
 * An experiment's workflow state as one JSON object, for schedulers that poll it ({@code status EXPERIMENT
 * --format json}, as Airflow's sensor does): {@code state} is {@code running}, {@code succeeded}, {@code failed}
 * (with {@code failure}), {@code cancelled} or {@code not_started}.
 */
final class ExperimentState {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ExperimentState() {
    }

    static String json(WorkflowClient client, String experiment) {
        RunningWorkflows.Chosen chosen = RunningWorkflows.chosen(client, experiment);
        ObjectNode state = JSON.createObjectNode().put("experiment", experiment)
                .put("workflow_id", chosen.workflowId());
        if (chosen.status().isEmpty()) {
            return state.put("state", "not_started").toString();
        }
        WorkflowExecutionStatus status = chosen.status().get();
        WorkflowStub stub = client.newUntypedWorkflowStub(chosen.workflowId());
        switch (status) {
            case WORKFLOW_EXECUTION_STATUS_RUNNING, WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW ->
                    state.put("state", "running");
            case WORKFLOW_EXECUTION_STATUS_COMPLETED -> state.put("state", "succeeded");
            case WORKFLOW_EXECUTION_STATUS_CANCELED -> state.put("state", "cancelled");
            default -> state.put("state", "failed").put("failure", failure(stub, status));
        }
        return state.toString();
    }

    private static String failure(WorkflowStub stub, WorkflowExecutionStatus status) {
        try {
            stub.getResult(Object.class);
            return status.name();
        } catch (WorkflowException e) {
            return Failures.rootMessage(e);
        }
    }
}
