package dev.saesplit.track;

import dev.saesplit.artifact.ArtifactOutsideRootException;
import dev.saesplit.artifact.ArtifactStore;
import dev.saesplit.store.DatabaseUnavailableException;
import dev.saesplit.store.Jdbc;
import dev.saesplit.text.Redaction;

import javax.sql.DataSource;
import java.nio.file.Files;
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

    static final int MAX_METRICS = 1000;
    static final int MAX_TAGS = 100;
    private static final long LOCK_ID = 0x5AE5_7AC0L;

    private final DataSource database;
    private final TrackingBackend backend;
    private final TrackedRuns runs;
    private final Path artifactRoot;

    /** @param artifactRoot the artifact store's root: the only files an outbox entry may upload */
    public TrackingSync(DataSource database, TrackingBackend backend, TrackingContext context, Path artifactRoot) {
        this.database = database;
        this.backend = backend;
        this.artifactRoot = artifactRoot;
        this.runs = new TrackedRuns(database, backend, context);
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
        String experimentId = runs.experimentId(run);
        String parent = runs.trackedRun(run.parent(), experimentId, null);
        String runId = run.isParent() ? parent : runs.trackedRun(run, experimentId, parent);
        return deliverMetrics(run, runId) + deliverOutbox(run, experimentId, runId);
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

    /**
     * The points of {@code batch} the server does not already hold: only attempted points can be there, unless
     * the run was found on the server by its key (its creation's answer was lost, or the database was restored),
     * when any point may be. A point is held when the server has the metric at that step: MLflow keeps every
     * value logged, so a second one at the same step (recorded again at another time) would be a duplicate.
     */
    private List<PendingPoint> reconcile(String runId, List<PendingPoint> batch) {
        boolean anyMayBeHeld = runs.adopted(runId);
        Set<String> keys = new HashSet<>();
        batch.stream().filter(p -> anyMayBeHeld || p.attempted()).forEach(p -> keys.add(p.point().key()));
        if (keys.isEmpty()) {
            return batch;
        }
        Set<String> held = new HashSet<>();
        for (String key : keys) {
            backend.metricHistory(runId, key).forEach(point -> held.add(keyAndStep(point)));
        }
        return batch.stream()
                .filter(p -> !((anyMayBeHeld || p.attempted()) && held.contains(keyAndStep(p.point())))).toList();
    }

    private static String keyAndStep(TrackingBackend.MetricPoint point) {
        return point.step() + "\u0000" + point.key();
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
    private long deliverOutbox(PendingRun run, String experimentId, String runId) throws SQLException {
        long delivered = 0;
        for (OutboxEntry entry : pendingEntries(run)) {
            String error = null;
            try {
                switch (entry.kind()) {
                    case "tags" -> backend.logBatch(runId, List.of(), Map.of(), limit(entry.payload(), MAX_TAGS));
                    case "artifact" -> backend.uploadArtifact(runId, entry.payload().get("path"),
                            uploadable(entry.payload().get("file")));
                    case "end" -> backend.terminate(runId, entry.payload().get("status"), entry.createdMillis());
                    case "experiment_tags" -> entry.payload().forEach((k, v) -> backend.setExperimentTag(experimentId,
                            k, Redaction.redact(v)));
                    default -> { } // "start": the run now exists, which is all it asked
                }
            } catch (TrackingRejectedException | ArtifactOutsideRootException e) {
                error = e.getMessage();
                System.err.println("saesplit: tracking set aside a " + entry.kind() + " of " + run.describe() + ": "
                        + error);
            }
            Jdbc.update(database, "UPDATE tracking_outbox SET sent_at = now(), error = ? WHERE id = ?", error, entry.id());
            delivered++;
        }
        return delivered;
    }

    /** The outbox names files by path; only one inside the artifact store, symlinks resolved, is sent. */
    private Path uploadable(String file) {
        Path path = Path.of(file);
        if (!Files.exists(path)) {
            throw new TrackingRejectedException("artifact " + path + " no longer exists", null);
        }
        return ArtifactStore.confine(artifactRoot, path);
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
                    Jdbc.json(rs.getString(3)).fields().forEachRemaining(f -> payload.put(f.getKey(),
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
        // Tags are shown to everyone who reads the server; user text in them (a description) may hold a secret.
        tags.entrySet().stream().limit(max).forEach(e -> limited.put(e.getKey(), Redaction.redact(e.getValue())));
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

    private long queryLong(String sql) {
        try (Connection c = database.getConnection(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new DatabaseUnavailableException("cannot read the tracking backlog: " + e.getMessage(), e);
        }
    }

    private record PendingPoint(TrackingBackend.MetricPoint point, boolean attempted) {
    }

    private record OutboxEntry(long id, String kind, Map<String, String> payload, long createdMillis) {
    }
}
