package dev.saesplit.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.saesplit.data.JsonArtifacts;
import dev.saesplit.evaluate.SplitReport;
import dev.saesplit.table.RunTableFormatter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes an experiment's report into a directory: {@code report.html}, the charts it shows, the run table as CSV
 * and as an MLflow table, and per row its {@code split_report.json}.
 */
public final class ExperimentReport {

    public static final String PAGE = ReportPage.FILE_NAME;
    public static final String LOSS_CURVES_PNG = "loss_curves.png";
    public static final String FEATURE_DENSITY_PNG = "feature_density.png";
    public static final String FILTER_HISTOGRAM_PNG = "filter_histogram.png";
    public static final String RUN_TABLE_CSV = "run_table.csv";
    public static final String RUN_TABLE_JSON = "run_table.json";
    /** The experiment-level files, as the tracking server receives them. */
    public static final List<String> EXPERIMENT_FILES = List.of(PAGE, LOSS_CURVES_PNG, FEATURE_DENSITY_PNG,
            FILTER_HISTOGRAM_PNG, RUN_TABLE_CSV, RUN_TABLE_JSON);
    /** A row's files, as the tracking server receives them. */
    public static final List<String> ROW_FILES = List.of(SplitReport.FILE_NAME, RowSection.DENSITY_PNG,
            RowSection.SCATTER_PNG, RowSection.CO_FIRING_PNG);

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ExperimentReport() {
    }

    /** Where a row's files are, relative to the report directory. */
    public static String rowDirectory(String runId) {
        return "run-" + runId;
    }

    public static void write(ReportInputs inputs, Path dir) throws IOException {
        RowColours colours = new RowColours(inputs.rows().stream().map(ReportRow::runId).toList());
        writeExperimentCharts(inputs, colours, dir);
        for (ReportRow row : inputs.rows()) {
            writeRow(inputs, row, colours, Files.createDirectories(dir.resolve(rowDirectory(row.runId()))));
        }
        Files.writeString(dir.resolve(PAGE), ReportPage.render(inputs, dir));
        Files.writeString(dir.resolve(RUN_TABLE_CSV),
                RunTableFormatter.format(inputs.experiment(), inputs.table(), RunTableFormatter.Format.CSV));
        JSON.writeValue(dir.resolve(RUN_TABLE_JSON).toFile(), MlflowRunTable.of(inputs));
    }

    private static void writeExperimentCharts(ReportInputs inputs, RowColours colours, Path dir) throws IOException {
        List<ReportCharts.Line> curves = new ArrayList<>();
        List<ReportCharts.Density> densities = new ArrayList<>();
        densities.add(narrowDensity(inputs));
        for (ReportRow row : inputs.rows()) {
            curves.add(new ReportCharts.Line(row.label(), colours.of(row.runId()), row.lossCurve().tokens(),
                    row.lossCurve().losses()));
            row.density().ifPresent(d -> densities.add(new ReportCharts.Density(row.label() + " (width "
                    + row.row().config().width() + ")", colours.of(row.runId()), d)));
        }
        ReportCharts.lossCurves(inputs.experiment() + ": training loss", curves, dir.resolve(LOSS_CURVES_PNG));
        ReportCharts.featureDensity(inputs.experiment() + ": feature density", densities,
                dir.resolve(FEATURE_DENSITY_PNG));
        if (inputs.filter().isPresent()) {
            ReportCharts.filterHistogram(inputs.experiment() + ": target latent activation",
                    inputs.filter().get().histogram(), inputs.filter().get().threshold(),
                    dir.resolve(FILTER_HISTOGRAM_PNG));
        }
    }

    private static void writeRow(ReportInputs inputs, ReportRow row, RowColours colours, Path rowDir)
            throws IOException {
        String title = inputs.experiment() + " run " + row.runId();
        if (row.density().isPresent()) {
            ReportCharts.featureDensity(title + ": feature density", List.of(narrowDensity(inputs),
                    new ReportCharts.Density("wide (" + row.row().config().width() + ")", colours.of(row.runId()),
                            row.density().get())), rowDir.resolve(RowSection.DENSITY_PNG));
        }
        if (row.evaluation().isPresent()) {
            SplitReport report = row.evaluation().get();
            JsonArtifacts.write(rowDir.resolve(SplitReport.FILE_NAME), report);
            ReportCharts.cosineSpecificity(title + ": latents near the target", report, colours.of(row.runId()),
                    rowDir.resolve(RowSection.SCATTER_PNG));
            if (!report.children().isEmpty()) {
                ReportCharts.coFiring(title + ": children firing together", report,
                        rowDir.resolve(RowSection.CO_FIRING_PNG));
            }
        }
    }

    private static ReportCharts.Density narrowDensity(ReportInputs inputs) {
        return new ReportCharts.Density("narrow (" + inputs.narrowWidth() + ")", RowColours.NARROW,
                inputs.narrowDensity());
    }
}
