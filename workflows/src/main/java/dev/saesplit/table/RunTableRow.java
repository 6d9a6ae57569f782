package dev.saesplit.table;

import dev.saesplit.spec.RunSpec;

import java.util.Map;
import java.util.Optional;

/**
 * One row of the run-configuration table as recorded: the row's configuration, its state and its result.
 *
 * @param config       the row as the spec defines it
 * @param status       where the run stands
 * @param splitSuccess the evaluated outcome, once there is one
 * @param splitDetail  the evaluation's one-line reason, once there is one
 * @param groundTruth  the exact verdict against synthetic ground truth, where the data has one
 * @param groundTruthDetail its reason
 * @param results      final figures by metric name ({@code train/loss}, {@code final/all/mse}, …), once known
 * @param workflowId   the Temporal workflow that runs it, once launched
 * @param mlflowRunId  the MLflow run that tracks it, once created
 */
public record RunTableRow(
        RunSpec config,
        RunStatus status,
        Optional<SplitOutcome> splitSuccess,
        Optional<String> splitDetail,
        Optional<SplitOutcome> groundTruth,
        Optional<String> groundTruthDetail,
        Map<String, Double> results,
        Optional<String> workflowId,
        Optional<String> mlflowRunId) {

    public RunTableRow {
        results = Map.copyOf(results);
    }

    public String runId() {
        return config.id();
    }
}
