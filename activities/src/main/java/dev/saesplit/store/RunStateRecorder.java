package dev.saesplit.store;

import dev.saesplit.evaluate.EvaluationResult;
import dev.saesplit.table.RunStatus;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;

/**
 * Records where experiments and run-table rows stand, and their results. Every write sets absolute values
 * keyed by experiment name and row id, so a retried write changes nothing.
 */
public final class RunStateRecorder {

    private final DataSource dataSource;

    public RunStateRecorder(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public void experimentStatus(String experiment, RunStatus status, String workflowId) {
        int updated = update("""
                UPDATE experiments SET status = ?, workflow_id = ?, updated_at = now() WHERE name = ?""",
                status.specName(), workflowId, experiment);
        if (updated == 0) {
            throw UnknownExperimentException.experiment(experiment);
        }
    }

    public void runStatus(String experiment, String runId, RunStatus status, String workflowId) {
        int updated = update("""
                UPDATE runs SET status = ?, workflow_id = ?, updated_at = now(),
                    started_at = CASE WHEN ? = 'running' THEN coalesce(started_at, now()) ELSE started_at END,
                    finished_at = CASE WHEN ? IN ('succeeded', 'failed', 'cancelled') THEN now() ELSE NULL END
                WHERE run_id = ? AND experiment_id = (SELECT id FROM experiments WHERE name = ?)""",
                status.specName(), workflowId, status.specName(), status.specName(), runId, experiment);
        requireRun(updated, experiment, runId);
    }

    /** Marks the row succeeded with its split outcome, and keeps its summary metrics. */
    public void runResult(String experiment, String runId, EvaluationResult result) {
        int updated = update("""
                UPDATE runs SET status = 'succeeded', split_success = ?, split_detail = ?, updated_at = now(),
                    finished_at = now()
                WHERE run_id = ? AND experiment_id = (SELECT id FROM experiments WHERE name = ?)""",
                result.outcome().specName(), result.detail(), runId, experiment);
        requireRun(updated, experiment, runId);
        Map<String, Double> summary = Map.of(
                "final/mse", result.mse(),
                "final/explained_variance", result.explainedVariance(),
                "final/l0", result.l0(),
                "final/dead_fraction", result.deadFraction(),
                "final/best_cosine_to_target", result.bestCosineToTarget(),
                "final/children", (double) result.children());
        for (Map.Entry<String, Double> metric : summary.entrySet()) {
            update("""
                    INSERT INTO metrics (experiment_id, run_id, key, step, value)
                    SELECT id, ?, ?, 0, ? FROM experiments WHERE name = ?
                    ON CONFLICT (experiment_id, run_id, key, step) DO UPDATE SET value = EXCLUDED.value""",
                    runId, metric.getKey(), metric.getValue(), experiment);
        }
    }

    private static void requireRun(int updated, String experiment, String runId) {
        if (updated == 0) {
            throw UnknownExperimentException.run(experiment, runId);
        }
    }

    private int update(String sql, Object... values) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                statement.setObject(i + 1, values[i]);
            }
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new DatabaseUnavailableException("cannot record run state: " + e.getMessage(), e);
        }
    }
}
