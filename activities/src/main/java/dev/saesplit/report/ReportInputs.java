package dev.saesplit.report;

import dev.saesplit.filter.FilterStatistics;
import dev.saesplit.table.RunTableRow;

import java.util.List;
import java.util.Optional;

/**
 * Everything an experiment's report shows, gathered from PostgreSQL and the artifact store.
 *
 * @param experiment    the experiment
 * @param description   the spec's description
 * @param narrowWidth   latents of the narrow SAE
 * @param narrowDensity log10 firing frequency of each narrow latent
 * @param filter        what the filter saw, when some row trained on filtered data
 * @param rows          every row of the run table, in order
 * @param target        how the target latent was chosen, where it was chosen for a token
 */
public record ReportInputs(String experiment, String description, int narrowWidth, float[] narrowDensity,
                           Optional<FilterStatistics> filter, List<ReportRow> rows, Optional<String> target) {

    public ReportInputs {
        rows = List.copyOf(rows);
    }

    /** Inputs of an experiment whose target was given by index or ground-truth parent. */
    public ReportInputs(String experiment, String description, int narrowWidth, float[] narrowDensity,
                        Optional<FilterStatistics> filter, List<ReportRow> rows) {
        this(experiment, description, narrowWidth, narrowDensity, filter, rows, Optional.empty());
    }

    /** The run table as recorded, in order. */
    public List<RunTableRow> table() {
        return rows.stream().map(ReportRow::row).toList();
    }
}
