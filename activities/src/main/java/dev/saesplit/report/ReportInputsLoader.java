package dev.saesplit.report;

import dev.saesplit.artifact.ArtifactCorruptException;
import dev.saesplit.artifact.ArtifactStore;
import dev.saesplit.data.JsonArtifacts;
import dev.saesplit.evaluate.SplitReport;
import dev.saesplit.filter.FilterStatistics;
import dev.saesplit.filter.TokenTargetMetrics;
import dev.saesplit.sae.SaeLensFormat;
import dev.saesplit.store.ExperimentStore;
import dev.saesplit.store.RecordedMetrics;
import dev.saesplit.store.ReportRecords;
import dev.saesplit.table.RunTableRow;
import dev.saesplit.track.ReportRequest;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Gathers a report's inputs: the run table, metrics and description from PostgreSQL, the rest from artifacts. */
public final class ReportInputsLoader {

    private final DataSource database;
    private final ArtifactStore store;

    public ReportInputsLoader(DataSource database, ArtifactStore store) {
        this.database = database;
        this.store = store;
    }

    public ReportInputs load(ReportRequest r) {
        List<RunTableRow> table = new ExperimentStore(database).runTable(r.experiment());
        Map<String, ReportRequest.Row> outputs = r.rows().stream()
                .collect(Collectors.toMap(ReportRequest.Row::runId, Function.identity()));
        RecordedMetrics metrics = new RecordedMetrics(database);
        List<TrainingEfficiency.Trained> trained = new ArrayList<>();
        for (RunTableRow row : table) {
            trained.add(new TrainingEfficiency.Trained(row.runId(), row.config().width(),
                    row.config().data().specName(), lossCurve(metrics, r.experiment(), row.runId())));
        }
        Map<String, TrainingEfficiency.CommonLoss> efficiency = TrainingEfficiency.of(trained);
        List<ReportRow> rows = new ArrayList<>();
        for (int i = 0; i < table.size(); i++) {
            RunTableRow row = table.get(i);
            ReportRequest.Row output = outputs.get(row.runId());
            boolean trainedRow = output != null && output.sae() != null;
            boolean evaluated = output != null && output.evaluation() != null && output.evaluation().report() != null;
            rows.add(new ReportRow(row,
                    evaluated ? Optional.of(JsonArtifacts.read(store.localCopy(output.evaluation().report())
                            .resolve(SplitReport.FILE_NAME), SplitReport.class)) : Optional.empty(),
                    trainedRow ? SaeLensFormat.readSparsity(store.localCopy(output.sae().artifact()))
                            : Optional.empty(),
                    trained.get(i).curve(), Optional.ofNullable(efficiency.get(row.runId()))));
        }
        Optional<FilterStatistics> filter = Optional.ofNullable(r.filtered()).map(f -> JsonArtifacts.read(
                store.localCopy(f.artifact()).resolve(FilterStatistics.FILE_NAME),
                FilterStatistics.class));
        return new ReportInputs(r.experiment(), new ReportRecords(database).description(r.experiment()),
                r.narrow().width(), narrowDensity(r), filter,
                rows, TokenTargetMetrics.describe(metrics.latest(r.experiment(), "", TokenTargetMetrics.PREFIX)));
    }

    /**
     * The narrow SAE's recorded firing frequencies. Training records them, and registration measures them for an
     * imported SAE that came without any (SAELens's {@code save_model} writes none).
     */
    private float[] narrowDensity(ReportRequest r) {
        Path dir = store.localCopy(r.narrow().artifact());
        return SaeLensFormat.readSparsity(dir).orElseThrow(() -> new ArtifactCorruptException(
                dir.resolve(SaeLensFormat.SPARSITY_FILE), "file", "is missing from the narrow SAE's artifact"));
    }

    private static LossCurve lossCurve(RecordedMetrics metrics, String experiment, String runId) {
        List<double[]> points = metrics.curve(experiment, runId, "train/loss", "train/tokens_seen");
        double[] steps = new double[points.size()];
        double[] tokens = new double[points.size()];
        double[] losses = new double[points.size()];
        for (int i = 0; i < points.size(); i++) {
            steps[i] = points.get(i)[0];
            losses[i] = points.get(i)[1];
            tokens[i] = points.get(i)[2];
        }
        return new LossCurve(steps, tokens, losses);
    }
}
