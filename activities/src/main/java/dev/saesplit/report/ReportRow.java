package dev.saesplit.report;

import dev.saesplit.evaluate.SplitReport;
import dev.saesplit.spec.DataSelection;
import dev.saesplit.table.RunTableRow;

import java.util.Optional;

/**
 * One row of the report.
 *
 * @param row        the run-table row as recorded
 * @param evaluation its {@code split_report.json}, once evaluated
 * @param density    log10 firing frequency of each of its latents, once trained
 * @param lossCurve  its training loss as recorded (empty before training)
 * @param efficiency where it reached its width's common loss, once trained
 */
public record ReportRow(RunTableRow row, Optional<SplitReport> evaluation, Optional<float[]> density,
                        LossCurve lossCurve, Optional<TrainingEfficiency.CommonLoss> efficiency) {

    public String runId() {
        return row.runId();
    }

    public boolean filteredData() {
        return row.config().data() == DataSelection.FILTERED;
    }

    /** How charts name the row: its id and the data it trained on. */
    public String label() {
        return "run " + runId() + (filteredData() ? " · filtered data" : " · all tokens");
    }
}
