package dev.saesplit.record;

import dev.saesplit.evaluate.EvaluationResult;
import dev.saesplit.table.RunStatus;
import io.temporal.activity.ActivityInterface;

/** Writes the run-configuration table's state and results to PostgreSQL, idempotently. */
@ActivityInterface
public interface RunTableActivities {

    void experimentStatus(String experiment, RunStatus status, String workflowId);

    void runStatus(String experiment, String runId, RunStatus status, String workflowId);

    /** Marks the row failed, keeping {@code failure} (what went wrong) as its reason. */
    void runFailed(String experiment, String runId, String failure, String workflowId);

    void runResult(String experiment, String runId, EvaluationResult result);
}
