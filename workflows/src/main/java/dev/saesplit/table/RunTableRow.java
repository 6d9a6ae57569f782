package dev.saesplit.table;

import dev.saesplit.spec.DataSelection;
import dev.saesplit.spec.Init;
import dev.saesplit.spec.LossChange;

import java.util.Optional;

/**
 * One row of the run-configuration table as recorded: the row's configuration, its state and its result.
 *
 * @param runId        the row id
 * @param purpose      why the row exists
 * @param width        SAE size
 * @param seed         seed
 * @param init         configuration I
 * @param normalised   configuration II
 * @param data         configuration III
 * @param loss         configuration IV
 * @param tokens       token budget
 * @param reported     what a published study reported for this configuration, or empty
 * @param status       where the run stands
 * @param splitSuccess the evaluated outcome, once there is one
 * @param splitDetail  the evaluation's one-line explanation, once there is one
 * @param workflowId   the Temporal workflow that runs it, once launched
 * @param mlflowRunId  the MLflow run that tracks it, once created
 */
public record RunTableRow(
        String runId,
        String purpose,
        int width,
        long seed,
        Init init,
        boolean normalised,
        DataSelection data,
        LossChange loss,
        long tokens,
        String reported,
        RunStatus status,
        Optional<SplitOutcome> splitSuccess,
        Optional<String> splitDetail,
        Optional<String> workflowId,
        Optional<String> mlflowRunId) {
}
