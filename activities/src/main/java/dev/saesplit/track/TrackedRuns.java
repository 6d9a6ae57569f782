package dev.saesplit.track;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.saesplit.store.Jdbc;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tracking server's experiments and runs for saesplit's: found by what PostgreSQL recorded, else by the
 * run's key tag, else created with the run's params and tags, so an answer lost after a creation never creates
 * the run twice. The key holds the experiment's UUID from this installation's PostgreSQL, not its name: another
 * installation running an experiment of the same name on the same server makes runs of its own.
 */
final class TrackedRuns {

    /** The tag that names which saesplit run a tracked run is, so creating it is idempotent. */
    static final String KEY_TAG = "saesplit.key";
    static final String EXPERIMENT_UID_TAG = "saesplit.experiment_uid";
    static final int MAX_PARAMS = 100;
    /** Makes MLflow 3 open the experiment in its training-runs view, where rows compare side by side. */
    static final Map<String, String> EXPERIMENT_TAGS = Map.of("mlflow.experimentKind", "custom_model_development");

    private final DataSource database;
    private final TrackingBackend backend;
    private final TrackingContext context;
    /** Runs found by key rather than created or recorded: the server may hold points this database never sent. */
    private final Set<String> adopted = ConcurrentHashMap.newKeySet();

    TrackedRuns(DataSource database, TrackingBackend backend, TrackingContext context) {
        this.database = database;
        this.backend = backend;
        this.context = context;
    }

    String experimentId(PendingRun run) throws SQLException {
        String stored = Jdbc.queryString(database, "SELECT mlflow_experiment_id FROM experiments WHERE id = ?", run.experimentId());
        if (stored != null) {
            return stored;
        }
        String id = backend.experimentId(run.experiment());
        EXPERIMENT_TAGS.forEach((key, value) -> backend.setExperimentTag(id, key, value));
        Jdbc.update(database, "UPDATE experiments SET mlflow_experiment_id = ? WHERE id = ?", id, run.experimentId());
        return id;
    }

    /** The tracked run of {@code run}: recorded, found by its key tag, or created with its params and tags. */
    String trackedRun(PendingRun run, String experimentId, String parentRunId) throws SQLException {
        String stored = run.isParent()
                ? Jdbc.queryString(database, "SELECT mlflow_parent_run_id FROM experiments WHERE id = ?", run.experimentId())
                : Jdbc.queryString(database, "SELECT mlflow_run_id FROM runs WHERE experiment_id = ? AND run_id = ?",
                run.experimentId(), run.runId());
        if (stored != null) {
            return stored;
        }
        String uid = Jdbc.queryString(database, "SELECT uid::text FROM experiments WHERE id = ?", run.experimentId());
        String key = run.isParent() ? uid : uid + "/run-" + run.runId();
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(KEY_TAG, key);
        tags.put(EXPERIMENT_UID_TAG, uid);
        tags.put("saesplit.experiment", run.experiment());
        tags.put("saesplit.version", context.version());
        tags.put("saesplit.git_commit", context.gitCommit());
        String workflowId = run.isParent()
                ? Jdbc.queryString(database, "SELECT workflow_id FROM experiments WHERE id = ?", run.experimentId())
                : Jdbc.queryString(database, "SELECT workflow_id FROM runs WHERE experiment_id = ? AND run_id = ?",
                run.experimentId(), run.runId());
        if (workflowId != null) {
            tags.put("saesplit.workflow_id", workflowId);
        }
        if (parentRunId != null) {
            tags.put("mlflow.parentRunId", parentRunId);
        }
        String name = run.isParent() ? run.experiment() : run.runId();
        Optional<String> found = backend.findRun(experimentId, key);
        found.ifPresent(adopted::add);
        String id = found.orElseGet(() -> backend.createRun(experimentId, name, tags));
        logInBatches(id, params(run));
        if (run.isParent()) {
            Jdbc.update(database, "UPDATE experiments SET mlflow_parent_run_id = ? WHERE id = ?", id, run.experimentId());
        } else {
            Jdbc.update(database, "UPDATE runs SET mlflow_run_id = ? WHERE experiment_id = ? AND run_id = ?", id,
                    run.experimentId(), run.runId());
        }
        return id;
    }

    /** Whether {@code trackedRunId} was found on the server by its key rather than recorded or created here. */
    boolean adopted(String trackedRunId) {
        return adopted.contains(trackedRunId);
    }

    private Map<String, String> params(PendingRun run) throws SQLException {
        String specJson = Jdbc.queryString(database, "SELECT spec_json::text FROM experiments WHERE id = ?", run.experimentId());
        JsonNode spec = specJson == null ? NullNode.getInstance() : Jdbc.json(specJson);
        if (run.isParent()) {
            return RunParams.parent(spec);
        }
        Map<String, String> row = new LinkedHashMap<>();
        try (Connection c = database.getConnection();
             PreparedStatement select = c.prepareStatement("""
                     SELECT purpose, width, seed, init, normalised, data, loss, tokens, architecture,
                            architecture_k, array_to_string(architecture_groups, '+'), architecture_l0_coefficient
                     FROM runs WHERE experiment_id = ? AND run_id = ?""")) {
            select.setLong(1, run.experimentId());
            select.setString(2, run.runId());
            try (ResultSet rs = select.executeQuery()) {
                if (rs.next()) {
                    row.put("run", run.runId());
                    row.put("purpose", rs.getString(1));
                    row.put("width", rs.getString(2));
                    row.put("seed", rs.getString(3));
                    row.put("init", rs.getString(4));
                    row.put("normalised", rs.getBoolean(5) ? "yes" : "no");
                    row.put("data", rs.getString(6));
                    row.put("loss", rs.getString(7));
                    row.put("tokens", rs.getString(8));
                    row.put("architecture", rs.getString(9));
                    putIfPresent(row, "k", rs.getObject(10) == null ? null : number(rs.getDouble(10)));
                    putIfPresent(row, "groups", rs.getString(11));
                    putIfPresent(row, "l0_coefficient",
                            rs.getObject(12) == null ? null : number(rs.getDouble(12)));
                }
            }
        }
        // A row that evaluates an SAE trained elsewhere says which one.
        for (JsonNode specRow : spec.path("runs")) {
            if (specRow.path("id").asText().equals(run.runId()) && specRow.hasNonNull("sae")) {
                row.put("sae", specRow.get("sae").asText());
            }
        }
        return RunParams.row(spec, row);
    }

    /** {@code 8} for 8.0, {@code 2.5} for 2.5: as the spec spelled it. */
    private static String number(double x) {
        return java.math.BigDecimal.valueOf(x).stripTrailingZeros().toPlainString();
    }

    private static void putIfPresent(Map<String, String> params, String key, String value) {
        if (value != null) {
            params.put(key, value);
        }
    }

    private void logInBatches(String runId, Map<String, String> params) {
        List<Map.Entry<String, String>> entries = new ArrayList<>(params.entrySet());
        for (int from = 0; from < entries.size(); from += MAX_PARAMS) {
            Map<String, String> batch = new LinkedHashMap<>();
            entries.subList(from, Math.min(entries.size(), from + MAX_PARAMS)).forEach(e -> batch.put(e.getKey(),
                    e.getValue()));
            backend.logBatch(runId, List.of(), batch, Map.of());
        }
    }
}
