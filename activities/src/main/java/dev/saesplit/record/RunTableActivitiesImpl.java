package dev.saesplit.record;

import dev.saesplit.evaluate.EvaluationResult;
import dev.saesplit.store.RunStateRecorder;
import dev.saesplit.table.RunStatus;

/** Records run-table state in PostgreSQL for the workflows. */
public final class RunTableActivitiesImpl implements RunTableActivities {

    private final RunStateRecorder recorder;

    public RunTableActivitiesImpl(RunStateRecorder recorder) {
        this.recorder = recorder;
    }

    @Override
    public void experimentStatus(String experiment, RunStatus status, String workflowId) {
        recorder.experimentStatus(experiment, status, workflowId);
    }

    @Override
    public void runStatus(String experiment, String runId, RunStatus status, String workflowId) {
        recorder.runStatus(experiment, runId, status, workflowId);
    }

    @Override
    public void runFailed(String experiment, String runId, String failure, String workflowId) {
        recorder.runFailed(experiment, runId, failure, workflowId);
    }

    @Override
    public void runResult(String experiment, String runId, EvaluationResult result) {
        recorder.runResult(experiment, runId, result);
    }
}
