package dev.saesplit.store;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;

/**
 * Metric points of runs, keyed by (experiment, run, metric, step): writing a point again — a retried batch, a
 * resumed training that recomputes a step — replaces it instead of adding a duplicate. The table is also the
 * metrics' outbox to MLflow: a rewrite with the same value keeps the point's delivery state and timestamp, so
 * a point already delivered is not delivered again.
 */
public final class MetricsRecorder {

    private final DataSource dataSource;

    public MetricsRecorder(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Records {@code values} at {@code step} for a row ({@code runId} empty for experiment-level points). */
    public void record(String experiment, String runId, long step, Map<String, Double> values) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement upsert = connection.prepareStatement("""
                     INSERT INTO metrics (experiment_id, run_id, key, step, value)
                     SELECT id, ?, ?, ?, ? FROM experiments WHERE name = ?
                     ON CONFLICT (experiment_id, run_id, key, step) DO UPDATE SET value = EXCLUDED.value,
                         recorded_ms = CASE WHEN metrics.value = EXCLUDED.value THEN metrics.recorded_ms
                                            ELSE EXCLUDED.recorded_ms END,
                         send_attempted = metrics.send_attempted AND metrics.value = EXCLUDED.value,
                         synced_at = CASE WHEN metrics.value = EXCLUDED.value THEN metrics.synced_at END""")) {
            for (Map.Entry<String, Double> value : values.entrySet()) {
                if (!Double.isFinite(value.getValue())) {
                    continue; // PostgreSQL would store it, but no tracking backend can chart it
                }
                upsert.setString(1, runId);
                upsert.setString(2, value.getKey());
                upsert.setLong(3, step);
                upsert.setDouble(4, value.getValue());
                upsert.setString(5, experiment);
                upsert.addBatch();
            }
            upsert.executeBatch();
        } catch (SQLException e) {
            throw new DatabaseUnavailableException("cannot record metrics of " + experiment + " run " + runId + ": "
                    + e.getMessage(), e);
        }
    }
}
