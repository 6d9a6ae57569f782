package dev.saesplit.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.saesplit.spec.RunSpec;
import dev.saesplit.table.RunTableRow;
import dev.saesplit.table.SplitOutcome;

/**
 * The run table in MLflow's table-artifact layout ({@code columns}, {@code data}: what {@code mlflow.log_table}
 * writes), with typed cells — numbers as numbers, booleans as booleans, null where there is no value yet — so
 * the tracking UI sorts and filters the columns by value.
 */
final class MlflowRunTable {

    static final String[] COLUMNS = {"run", "purpose", "width", "architecture", "seed", "init", "normalised", "data",
            "loss",
            "split success", "reason", "ground truth", "ground truth reason", "status", "final loss",
            "explained variance", "tokens to common loss"};

    private MlflowRunTable() {
    }

    static ObjectNode of(ReportInputs inputs) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode root = json.objectNode();
        ArrayNode columns = root.putArray("columns");
        for (String column : COLUMNS) {
            columns.add(column);
        }
        ArrayNode data = root.putArray("data");
        for (ReportRow reportRow : inputs.rows()) {
            RunTableRow row = reportRow.row();
            RunSpec c = row.config();
            ArrayNode cells = data.addArray();
            cells.add(c.id()).add(c.purpose()).add(c.width())
                    .add(c.architecture() != null ? c.architecture().describe() : c.evaluatesExisting() ? null : "relu")
                    .add(c.seed()).add(c.init().specName())
                    .add(c.normalised()).add(c.data().specName()).add(c.loss().specName())
                    .add(row.splitSuccess().map(SplitOutcome::specName).orElse(null))
                    .add(row.splitDetail().orElse(null))
                    .add(row.groundTruth().map(SplitOutcome::specName).orElse(null))
                    .add(row.groundTruthDetail().orElse(null))
                    .add(row.status().specName())
                    .add(row.results().get("train/loss"))
                    .add(row.results().get("final/all/explained_variance"));
            if (reportRow.efficiency().isPresent()) {
                cells.add(reportRow.efficiency().get().tokens());
            } else {
                cells.addNull();
            }
        }
        return root;
    }
}
