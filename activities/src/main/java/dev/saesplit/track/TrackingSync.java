package dev.saesplit.track;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.saesplit.store.DatabaseUnavailableException;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Delivers what PostgreSQL holds for the tracking server: for every run with something pending, it makes sure
 * the tracking experiment and run exist (with params and tags), sends metric points in batches, then tags,
 * artifacts and the run's end, in the order they were recorded. One sync runs at a time across all processes
 * (a PostgreSQL advisory lock). Metric points are delivered exactly once: a batch is marked as attempted before
 * it is sent, and an attempted batch whose outcome was lost is reconciled against the server's history before
 * anything is resent.
 */
public final class TrackingSync {

    /** The tag that names which saesplit run a tracked run is, so creating it is idempotent. */
    static final String KEY_TAG = "saesplit.key";
    static final int MAX_METRICS = 1000;
    static final int MAX_PARAMS = 100;
    static final int MAX_TAGS = 100;
    private static final long LOCK_ID = 0x5AE5_7AC0L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource database;
    private final TrackingBackend backend;
    private final TrackingContext context;

    public TrackingSync(DataSource database, TrackingBackend backend, TrackingContext context) {
        this.database = database;
        this.backend = backend;
        this.context = context;
    }

    /** Delivers everything pending; an unreachable server ends the attempt early and loses nothing. */
    public SyncReport syncOnce() {
        long delivered = 0;
        try (Connection lock = database.getConnection()) {
            if (!advisoryLock(lock, "pg_try_advisory_lock")) {
                return new SyncReport(0, backlog(), Optional.empty()); // another process is delivering
            }
            try {
                for (PendingRun run : pendingRuns()) {
                    delivered += deliver(run);
                }
                return new SyncReport(delivered, backlog(), Optional.empty());
            } catch (TrackingUnavailableException e) {
                return new SyncReport(delivered, backlog(), Optional.of(e.getMessage()));
            } finally {
                advisoryLock(lock, "pg_advisory_unlock");
            }
        } catch (SQLException e) {
            throw new DatabaseUnavailableException("cannot sync tracking: " + e.getMessage(), e);
        }
    }

    /** Syncs until nothing is pending or {@code timeout} passes; the last report says which. */
    public SyncReport syncUntilDrained(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long delivered = 0;
        while (true) {
            SyncReport report = syncOnce();
            delivered += report.delivered();
            if (report.pending() == 0 || System.nanoTime() > deadline) {
                return new SyncReport(delivered, report.pending(), report.unavailable());
            }
            try {
                Thread.sleep(report.unavailable().isPresent() ? 2000 : 200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new SyncReport(delivered, report.pending(), report.unavailable());
            }
        }
    }

    /** Metric points and outbox entries not yet delivered. */
    public long backlog() {
        return queryLong("""
                SELECT (SELECT count(*) FROM tracking_outbox WHERE sent_at IS NULL)
                     + (SELECT count(*) FROM metrics WHERE synced_at IS NULL)""");
    }

    /** The tracking UI's page of {@code experiment}, once it has been created there. */
    public Optional<String> experimentUrl(String experiment) {
        try (Connection c = database.getConnection();
             PreparedStatement select = c.prepareStatement(
                     "SELECT mlflow_experiment_id FROM experiments WHERE name = ?")) {
            select.setString(1, experiment);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() && rs.getString(1) != null ? Optional.of(backend.experimentUrl(rs.getString(1)))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw new DatabaseUnavailableException("cannot read tracking state: " + e.getMessage(), e);
        }
    }

    private long deliver(PendingRun run) throws SQLException {
        String experimentId = experimentId(run);
        String parent = trackedRun(run.parent(), experimentId, null);
        String runId = run.isParent() ? parent : trackedRun(run, experimentId, parent);
        return deliverMetrics(run, runId) + deliverOutbox(run, runId);
    }

    private String experimentId(PendingRun run) throws SQLException {
        String stored = queryString("SELECT mlflow_experiment_id FROM experiments WHERE id = ?", run.experimentId());
        if (stored != null) {
            return stored;
        }
        String id = backend.experimentId(run.experiment());
        update("UPDATE experiments SET mlflow_experiment_id = ? WHERE id = ?", id, run.experimentId());
        return id;
    }

    /** The tracked run of {@code run}: recorded, found by its key tag, or created with its params and tags. */
    private String trackedRun(PendingRun run, String experimentId, String parentRunId) throws SQLException {
        String stored = run.isParent()
                ? queryString("SELECT mlflow_parent_run_id FROM experiments WHERE id = ?", run.experimentId())
                : queryString("SELECT mlflow_run_id FROM runs WHERE experiment_id = ? AND run_id = ?",
                run.experimentId(), run.runId());
        if (stored != null) {
            return stored;
        }
        String key = run.isParent() ? run.experiment() : run.experiment() + "/run-" + run.runId();
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(KEY_TAG, key);
        tags.put("saesplit.experiment", run.experiment());
        tags.put("saesplit.version", context.version());
        tags.put("saesplit.git_commit", context.gitCommit());
        String workflowId = run.isParent()
                ? queryString("SELECT workflow_id FROM experiments WHERE id = ?", run.experimentId())
                : queryString("SELECT workflow_id FROM runs WHERE experiment_id = ? AND run_id = ?",
                run.experimentId(), run.runId());
        if (workflowId != null) {
            tags.put("saesplit.workflow_id", workflowId);
        }
        if (parentRunId != null) {
            tags.put("mlflow.parentRunId", parentRunId);
        }
        String name = run.isParent() ? run.experiment() : run.runId();
        String id = backend.findRun(experimentId, key).orElseGet(() -> backend.createRun(experimentId, name, tags));
        logInBatches(id, params(run));
        if (run.isParent()) {
            update("UPDATE experiments SET mlflow_parent_run_id = ? WHERE id = ?", id, run.experimentId());
        } else {
            update("UPDATE runs SET mlflow_run_id = ? WHERE experiment_id = ? AND run_id = ?", id,
                    run.experimentId(), run.runId());
        }
        return id;
    }

    private Map<String, String> params(PendingRun run) throws SQLException {
        String specJson = queryString("SELECT spec_json::text FROM experiments WHERE id = ?", run.experimentId());
        JsonNode spec = specJson == null ? NullNode.getInstance() : readJson(specJson);
        if (run.isParent()) {
            return RunParams.parent(spec);
        }
        Map<String, String> row = new LinkedHashMap<>();
        try (Connection c = database.getConnection();
             PreparedStatement select = c.prepareStatement("""
                     SELECT purpose, width, seed, init, normalised, data, loss, tokens FROM runs
                     WHERE experiment_id = ? AND run_id = ?""")) {
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
                }
            }
        }
        return RunParams.row(spec, row);
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

    /** Sends pending points in batches; an attempted batch is first reconciled with the server's history. */
    private long deliverMetrics(PendingRun run, String runId) throws SQLException {
        long delivered = 0;
        while (true) {
            List<PendingPoint> batch = pendingPoints(run);
            if (batch.isEmpty()) {
                return delivered;
            }
            List<PendingPoint> toSend = reconcile(runId, batch);
            markAttempted(run, toSend);
            if (!toSend.isEmpty()) {
                backend.logBatch(runId, toSend.stream().map(PendingPoint::point).toList(), Map.of(), Map.of());
            }
            markSynced(run, batch);
            delivered += batch.size();
        }
    }

    /** The points of {@code batch} the server does not already hold (only attempted points can be there). */
    private List<PendingPoint> reconcile(String runId, List<PendingPoint> batch) {
        Set<String> attemptedKeys = new HashSet<>();
        batch.stream().filter(PendingPoint::attempted).forEach(p -> attemptedKeys.add(p.point().key()));
        if (attemptedKeys.isEmpty()) {
            return batch;
        }
        Set<TrackingBackend.MetricPoint> held = new HashSet<>();
        for (String key : attemptedKeys) {
            held.addAll(backend.metricHistory(runId, key));
        }
        return batch.stream().filter(p -> !(p.attempted() && held.contains(p.point()))).toList();
    }

    private List<PendingPoint> pendingPoints(PendingRun run) throws SQLException {
        try (Connection c = database.getConnection();
             PreparedStatement select = c.prepareStatement("""
                     SELECT key, value, step, recorded_ms, send_attempted FROM metrics
                     WHERE experiment_id = ? AND run_id = ? AND synced_at IS NULL
                     ORDER BY step, key LIMIT ?""")) {
            select.setLong(1, run.experimentId());
            select.setString(2, run.runId());
            select.setInt(3, MAX_METRICS);
            List<PendingPoint> points = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    points.add(new PendingPoint(new TrackingBackend.MetricPoint(rs.getString(1), rs.getDouble(2),
                            rs.getLong(3), rs.getLong(4)), rs.getBoolean(5)));
                }
            }
            return points;
        }
    }

    private void markAttempted(PendingRun run, List<PendingPoint> points) throws SQLException {
        markPoints(run, points, "send_attempted = true");
    }

    private void markSynced(PendingRun run, List<PendingPoint> points) throws SQLException {
        markPoints(run, points, "synced_at = now()");
    }

    private void markPoints(PendingRun run, List<PendingPoint> points, String assignment) throws SQLException {
        try (Connection c = database.getConnection();
             PreparedStatement update = c.prepareStatement("UPDATE metrics SET " + assignment
                     + " WHERE experiment_id = ? AND run_id = ? AND key = ? AND step = ?")) {
            for (PendingPoint p : points) {
                update.setLong(1, run.experimentId());
                update.setString(2, run.runId());
                update.setString(3, p.point().key());
                update.setLong(4, p.point().step());
                update.addBatch();
            }
            update.executeBatch();
        }
    }

    /** Tags, artifacts and ends in recorded order; an entry the server refuses is set aside with its error. */
    private long deliverOutbox(PendingRun run, String runId) throws SQLException {
        long delivered = 0;
        for (OutboxEntry entry : pendingEntries(run)) {
            String error = null;
            try {
                switch (entry.kind()) {
                    case "tags" -> backend.logBatch(runId, List.of(), Map.of(), limit(entry.payload(), MAX_TAGS));
                    case "artifact" -> backend.uploadArtifact(runId, entry.payload().get("path"),
                            Path.of(entry.payload().get("file")));
                    case "end" -> backend.terminate(runId, entry.payload().get("status"), entry.createdMillis());
                    default -> { } // "start": the run now exists, which is all it asked
                }
            } catch (TrackingRejectedException e) {
                error = e.getMessage();
                System.err.println("saesplit: tracking set aside a " + entry.kind() + " of " + run.describe() + ": "
                        + error);
            }
            update("UPDATE tracking_outbox SET sent_at = now(), error = ? WHERE id = ?", error, entry.id());
            delivered++;
        }
        return delivered;
    }

    private List<OutboxEntry> pendingEntries(PendingRun run) throws SQLException {
        try (Connection c = database.getConnection();
             PreparedStatement select = c.prepareStatement("""
                     SELECT id, kind, payload::text, (extract(epoch FROM created_at) * 1000)::bigint
                     FROM tracking_outbox WHERE experiment_id = ? AND run_id = ? AND sent_at IS NULL ORDER BY id""")) {
            select.setLong(1, run.experimentId());
            select.setString(2, run.runId());
            List<OutboxEntry> entries = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    Map<String, String> payload = new LinkedHashMap<>();
                    readJson(rs.getString(3)).fields().forEachRemaining(f -> payload.put(f.getKey(),
                            f.getValue().asText()));
                    entries.add(new OutboxEntry(rs.getLong(1), rs.getString(2), payload, rs.getLong(4)));
                }
            }
            return entries;
        }
    }

    private List<PendingRun> pendingRuns() throws SQLException {
        try (Connection c = database.getConnection();
             PreparedStatement select = c.prepareStatement("""
                     SELECT DISTINCT e.id, e.name, p.run_id FROM (
                         SELECT experiment_id, run_id FROM tracking_outbox WHERE sent_at IS NULL
                         UNION SELECT experiment_id, run_id FROM metrics WHERE synced_at IS NULL) p
                     JOIN experiments e ON e.id = p.experiment_id
                     ORDER BY e.id, p.run_id""");
             ResultSet rs = select.executeQuery()) {
            List<PendingRun> runs = new ArrayList<>();
            while (rs.next()) {
                runs.add(new PendingRun(rs.getLong(1), rs.getString(2), rs.getString(3)));
            }
            return runs;
        }
    }

    private static Map<String, String> limit(Map<String, String> tags, int max) {
        Map<String, String> limited = new LinkedHashMap<>();
        tags.entrySet().stream().limit(max).forEach(e -> limited.put(e.getKey(), e.getValue()));
        return limited;
    }

    private static boolean advisoryLock(Connection c, String function) throws SQLException {
        try (PreparedStatement call = c.prepareStatement("SELECT " + function + "(?)")) {
            call.setLong(1, LOCK_ID);
            try (ResultSet rs = call.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private static JsonNode readJson(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException("the database holds malformed JSON: " + text, e);
        }
    }

    private String queryString(String sql, Object... values) throws SQLException {
        try (Connection c = database.getConnection(); PreparedStatement select = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                select.setObject(i + 1, values[i]);
            }
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private long queryLong(String sql) {
        try (Connection c = database.getConnection(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new DatabaseUnavailableException("cannot read the tracking backlog: " + e.getMessage(), e);
        }
    }

    private void update(String sql, Object... values) throws SQLException {
        try (Connection c = database.getConnection(); PreparedStatement statement = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                statement.setObject(i + 1, values[i]);
            }
            statement.executeUpdate();
        }
    }

    /** A saesplit run with something to deliver; {@code runId} empty for the experiment's parent run. */
    private record PendingRun(long experimentId, String experiment, String runId) {
        boolean isParent() {
            return runId.isEmpty();
        }

        PendingRun parent() {
            return new PendingRun(experimentId, experiment, "");
        }

        String describe() {
            return isParent() ? "experiment " + experiment : "run " + runId + " of " + experiment;
        }
    }

    private record PendingPoint(TrackingBackend.MetricPoint point, boolean attempted) {
    }

    private record OutboxEntry(long id, String kind, Map<String, String> payload, long createdMillis) {
    }
}
