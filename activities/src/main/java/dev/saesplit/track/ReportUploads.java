package dev.saesplit.track;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saesplit.artifact.ArtifactStore;
import dev.saesplit.pipeline.SaeRef;
import dev.saesplit.report.ExperimentReport;
import dev.saesplit.report.ReportInputs;
import dev.saesplit.sae.SaeLensFormat;
import dev.saesplit.store.DatabaseUnavailableException;
import dev.saesplit.store.TrackingOutbox;
import dev.saesplit.table.RunTableFormatter;

import javax.sql.DataSource;
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
 * Queues a written report for the tracking server: its files and the SAEs as artifacts, the run table as the
 * description of the experiment and of its parent run, and the tag that makes MLflow show the table as a table.
 * What was already queued the same way (a re-run of a finished experiment) is not queued again.
 */
final class ReportUploads {

    /** MLflow's description of an experiment or run: markdown shown above everything else. */
    static final String NOTE_TAG = "mlflow.note.content";
    /** MLflow's list of a run's typed artifacts; a {@code table} entry is shown in its table view. */
    static final String LOGGED_ARTIFACTS_TAG = "mlflow.loggedArtifacts";
    /** MLflow's limit on a tag value; a longer description is cut at a line. */
    private static final int MAX_TAG_VALUE = 8000;
    private static final String[] SAE_FILES = {SaeLensFormat.CONFIG_FILE, SaeLensFormat.WEIGHTS_FILE,
            SaeLensFormat.SPARSITY_FILE};
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource database;
    private final ArtifactStore store;

    ReportUploads(DataSource database, ArtifactStore store) {
        this.store = store;
        this.database = database;
    }

    void queue(ReportRequest r, ReportInputs inputs, Path report) {
        List<Entry> entries = new ArrayList<>();
        for (String file : ExperimentReport.EXPERIMENT_FILES) {
            artifact(entries, "", report.resolve(file), file);
        }
        addSae(entries, "", r.narrow(), "narrow_sae");
        for (ReportRequest.Row row : r.rows()) {
            if (row.sae() != null) {
                addSae(entries, row.runId(), row.sae(), "sae");
            }
            Path rowDir = report.resolve(ExperimentReport.rowDirectory(row.runId()));
            for (String file : ExperimentReport.ROW_FILES) {
                artifact(entries, row.runId(), rowDir.resolve(file), "evaluation/" + file);
            }
        }
        String note = note(inputs, report);
        entries.add(new Entry("", TrackingOutbox.Kind.TAGS, Map.of(NOTE_TAG, note, LOGGED_ARTIFACTS_TAG,
                json(List.of(Map.of("path", ExperimentReport.RUN_TABLE_JSON, "type", "table"))))));
        entries.add(new Entry("", TrackingOutbox.Kind.EXPERIMENT_TAGS, Map.of(NOTE_TAG, note)));
        try (Connection c = database.getConnection()) {
            c.setAutoCommit(false);
            for (Entry entry : entries) {
                if (!alreadyQueued(c, r.experiment(), entry)) {
                    TrackingOutbox.enqueue(c, r.experiment(), entry.runId(), entry.kind(), entry.payload());
                }
            }
            c.commit();
        } catch (SQLException e) {
            throw new DatabaseUnavailableException("cannot queue the report of " + r.experiment() + ": "
                    + e.getMessage(), e);
        }
    }

    /** The run table with verdicts and reasons, in markdown, and where the full report is. */
    private static String note(ReportInputs inputs, Path report) {
        String table = RunTableFormatter.format(inputs.experiment(), inputs.table(), RunTableFormatter.Format.MD);
        String head = "**" + inputs.experiment() + "** — run-configuration table (the parent run's `"
                + ExperimentReport.PAGE + "` has every number behind each verdict)\n\n";
        String note = head + table;
        if (note.length() <= MAX_TAG_VALUE) {
            return note;
        }
        String cut = note.substring(0, note.lastIndexOf('\n', MAX_TAG_VALUE - 80) + 1);
        return cut + "\n(cut to MLflow's description limit; see " + ExperimentReport.RUN_TABLE_CSV + ")\n";
    }

    private void addSae(List<Entry> entries, String runId, SaeRef sae, String folder) {
        Path dir = store.localCopy(sae.artifact());
        for (String file : SAE_FILES) {
            artifact(entries, runId, dir.resolve(file), folder + "/" + file);
        }
    }

    private static void artifact(List<Entry> entries, String runId, Path file, String path) {
        if (Files.exists(file)) {
            entries.add(new Entry(runId, TrackingOutbox.Kind.ARTIFACT, Map.of("file", file.toString(), "path", path)));
        }
    }

    /** Whether the same entry was already queued for the same run. */
    private static boolean alreadyQueued(Connection c, String experiment, Entry entry) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("""
                SELECT 1 FROM tracking_outbox o JOIN experiments e ON e.id = o.experiment_id
                WHERE e.name = ? AND o.run_id = ? AND o.kind = ? AND o.payload = ?::jsonb""")) {
            select.setString(1, experiment);
            select.setString(2, entry.runId());
            select.setString(3, entry.kind().column());
            select.setString(4, json(entry.payload()));
            try (ResultSet rs = select.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode " + value, e);
        }
    }

    private record Entry(String runId, TrackingOutbox.Kind kind, Map<String, String> payload) {
        Entry {
            payload = new LinkedHashMap<>(payload);
        }
    }
}
