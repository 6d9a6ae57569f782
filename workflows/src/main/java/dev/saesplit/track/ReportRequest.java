package dev.saesplit.track;

import dev.saesplit.evaluate.EvaluationResult;
import dev.saesplit.pipeline.FilteredDataRef;
import dev.saesplit.pipeline.SaeRef;

import java.util.List;

/**
 * A finished experiment's outputs, for its report.
 *
 * @param experiment the experiment
 * @param narrow     the narrow SAE
 * @param filtered   the filtered tokens, or {@code null} when no row used them
 * @param rows       every row of the run table, in order
 */
public record ReportRequest(String experiment, SaeRef narrow, FilteredDataRef filtered, List<Row> rows) {

    public ReportRequest {
        rows = List.copyOf(rows);
    }

    /**
     * One row's outputs.
     *
     * @param runId      the row id
     * @param sae        the trained SAE, or {@code null} if the row did not finish
     * @param evaluation its evaluation, or {@code null} if the row did not finish
     */
    public record Row(String runId, SaeRef sae, EvaluationResult evaluation) {
    }
}
