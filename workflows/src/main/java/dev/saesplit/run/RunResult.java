package dev.saesplit.run;

import dev.saesplit.evaluate.EvaluationResult;
import dev.saesplit.pipeline.SaeRef;

/**
 * A finished row.
 *
 * @param runId      the row id
 * @param sae        the trained SAE
 * @param evaluation its evaluation
 */
public record RunResult(String runId, SaeRef sae, EvaluationResult evaluation) {
}
