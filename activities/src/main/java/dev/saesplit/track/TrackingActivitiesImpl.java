package dev.saesplit.track;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.saesplit.artifact.ArtifactStore;
import dev.saesplit.artifact.OutputKey;
import dev.saesplit.artifact.Provenance;
import dev.saesplit.pipeline.ArtifactRef;
import dev.saesplit.pipeline.SaeRef;
import dev.saesplit.sae.SaeLensFormat;
import dev.saesplit.store.DatabaseUnavailableException;
import dev.saesplit.store.ExperimentStore;
import dev.saesplit.store.TrackingOutbox;
import dev.saesplit.table.RunTableFormatter;
import dev.saesplit.table.RunTableRow;
import dev.saesplit.worker.ActivityHeartbeat;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds an experiment's report (charts, run table, per-row evaluation) as an artifact, and queues it with the
 * narrow and wide SAEs for the tracking server. Uploading is the sync step's job, so an unreachable tracking
 * server never fails the experiment.
 */
public final class TrackingActivitiesImpl implements TrackingActivities {

    static final int CODE_VERSION = 1;
    static final String KIND = "report";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String[] SAE_FILES = {SaeLensFormat.CONFIG_FILE, SaeLensFormat.WEIGHTS_FILE,
            SaeLensFormat.SPARSITY_FILE};

    private final ArtifactStore store;
    private final DataSource database;

    public TrackingActivitiesImpl(ArtifactStore store, DataSource database) {
        this.store = store;
        this.database = database;
    }

    @Override
    public void publishReport(ReportRequest r) {
        List<RunTableRow> table = new ExperimentStore(database).runTable(r.experiment());
        String key = OutputKey.of("report", CODE_VERSION, r.experiment(), r.narrow().artifact().contentHash(),
                r.rows(), RunTableFormatter.format(r.experiment(), table, RunTableFormatter.Format.CSV));
        ArtifactRef ref;
        try (ActivityHeartbeat ignored = ActivityHeartbeat.start(null)) {
            ref = store.getOrProduce(KIND, key, new Provenance("report", r.experiment(), ""),
                    dir -> writeReport(r, table, dir));
        }
        queueUploads(r, ArtifactStore.directory(ref));
    }

    private void writeReport(ReportRequest r, List<RunTableRow> table, Path dir) throws IOException {
        Map<String, double[][]> losses = new LinkedHashMap<>();
        for (ReportRequest.Row row : r.rows()) {
            losses.put("run " + row.runId(), ReportCharts.curve(lossCurve(r.experiment(), row.runId())));
        }
        ReportCharts.lossCurves(r.experiment() + ": training loss", losses, dir.resolve("loss_curves.png"));
        float[] narrow = SaeLensFormat.readSparsity(ArtifactStore.directory(r.narrow().artifact()));
        Map<String, float[]> all = new LinkedHashMap<>();
        all.put("narrow (" + r.narrow().width() + ")", narrow);
        for (ReportRequest.Row row : r.rows()) {
            if (row.sae() == null) {
                continue;
            }
            float[] wide = SaeLensFormat.readSparsity(ArtifactStore.directory(row.sae().artifact()));
            all.put("run " + row.runId() + " (" + row.sae().width() + ")", wide);
            Path rowDir = Files.createDirectories(dir.resolve("run-" + row.runId()));
            ReportCharts.featureDensity(r.experiment() + " run " + row.runId() + ": feature density",
                    Map.of("narrow (" + r.narrow().width() + ")", narrow, "wide (" + row.sae().width() + ")", wide),
                    rowDir.resolve("feature_density.png"));
            JSON.writeValue(rowDir.resolve("evaluation.json").toFile(), row.evaluation());
        }
        ReportCharts.featureDensity(r.experiment() + ": feature density", all, dir.resolve("feature_density.png"));
        Files.writeString(dir.resolve("run_table.csv"),
                RunTableFormatter.format(r.experiment(), table, RunTableFormatter.Format.CSV));
        JSON.writeValue(dir.resolve("run_table.json").toFile(), mlflowTable(table));
    }

    /** The run table in MLflow's table-artifact layout ({@code columns}, {@code data}), as its UI shows tables. */
    private static ObjectNode mlflowTable(List<RunTableRow> table) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode columns = root.putArray("columns");
        RunTableFormatter.headers(table).forEach(columns::add);
        ArrayNode data = root.putArray("data");
        for (RunTableRow row : table) {
            ArrayNode cells = data.addArray();
            RunTableFormatter.cells(row, table).forEach(cells::add);
        }
        return root;
    }

    private void queueUploads(ReportRequest r, Path report) {
        List<Upload> uploads = new ArrayList<>();
        for (String file : new String[] {"loss_curves.png", "feature_density.png", "run_table.csv", "run_table.json"}) {
            uploads.add(new Upload("", report.resolve(file), file));
        }
        addSae(uploads, "", r.narrow(), "narrow_sae");
        for (ReportRequest.Row row : r.rows()) {
            if (row.sae() == null) {
                continue;
            }
            Path rowDir = report.resolve("run-" + row.runId());
            addSae(uploads, row.runId(), row.sae(), "sae");
            uploads.add(new Upload(row.runId(), rowDir.resolve("evaluation.json"), "evaluation/evaluation.json"));
            uploads.add(new Upload(row.runId(), rowDir.resolve("feature_density.png"), "feature_density.png"));
        }
        try (Connection c = database.getConnection()) {
            c.setAutoCommit(false);
            for (Upload upload : uploads) {
                if (!alreadyQueued(c, r.experiment(), upload)) {
                    TrackingOutbox.enqueue(c, r.experiment(), upload.runId(), TrackingOutbox.Kind.ARTIFACT,
                            Map.of("file", upload.file().toString(), "path", upload.path()));
                }
            }
            c.commit();
        } catch (SQLException e) {
            throw new DatabaseUnavailableException("cannot queue the report of " + r.experiment() + ": "
                    + e.getMessage(), e);
        }
    }

    private static void addSae(List<Upload> uploads, String runId, SaeRef sae, String folder) {
        Path dir = ArtifactStore.directory(sae.artifact());
        for (String file : SAE_FILES) {
            if (Files.exists(dir.resolve(file))) {
                uploads.add(new Upload(runId, dir.resolve(file), folder + "/" + file));
            }
        }
    }

    /** Whether the same file was already queued for the same place (a re-run of a finished experiment). */
    private static boolean alreadyQueued(Connection c, String experiment, Upload upload) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("""
                SELECT 1 FROM tracking_outbox o JOIN experiments e ON e.id = o.experiment_id
                WHERE e.name = ? AND o.run_id = ? AND o.kind = 'artifact'
                  AND o.payload ->> 'file' = ? AND o.payload ->> 'path' = ?""")) {
            select.setString(1, experiment);
            select.setString(2, upload.runId());
            select.setString(3, upload.file().toString());
            select.setString(4, upload.path());
            try (ResultSet rs = select.executeQuery()) {
                return rs.next();
            }
        }
    }

    private List<double[]> lossCurve(String experiment, String runId) {
        try (Connection c = database.getConnection();
             PreparedStatement select = c.prepareStatement("""
                     SELECT m.step, m.value FROM metrics m JOIN experiments e ON e.id = m.experiment_id
                     WHERE e.name = ? AND m.run_id = ? AND m.key = 'train/loss' ORDER BY m.step""")) {
            select.setString(1, experiment);
            select.setString(2, runId);
            List<double[]> points = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    points.add(new double[] {rs.getLong(1), rs.getDouble(2)});
                }
            }
            return points;
        } catch (SQLException e) {
            throw new DatabaseUnavailableException("cannot read the loss curve of run " + runId + ": "
                    + e.getMessage(), e);
        }
    }

    private record Upload(String runId, Path file, String path) {
    }
}
