package dev.saesplit.experiment;

import dev.saesplit.evaluate.EvaluationResult;
import dev.saesplit.pipeline.SaeRef;
import dev.saesplit.table.RunStatus;

/**
 * How one row of the run table ended.
 *
 * @param runId      the row id
 * @param status     succeeded, failed or cancelled
 * @param sae        the trained SAE, for a row that succeeded; {@code null} otherwise
 * @param evaluation the evaluation, for a row that succeeded; {@code null} otherwise
 * @param failure    what went wrong, for a row that did not succeed; empty otherwise
 */
public record RunOutcome(String runId, RunStatus status, SaeRef sae, EvaluationResult evaluation, String failure) {
}
