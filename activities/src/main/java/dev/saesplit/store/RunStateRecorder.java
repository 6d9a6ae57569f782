package dev.saesplit.store;

import dev.saesplit.evaluate.EvaluationResult;
import dev.saesplit.table.RunStatus;
import dev.saesplit.table.SplitOutcome;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Records where experiments and run-table rows stand, and their results, and queues what the tracking server
 * must learn of it in the same transaction. Every write sets absolute values keyed by experiment name and row
 * id, so a retried write changes nothing but a duplicate outbox entry, which delivery tolerates.
 */
public final class RunStateRecorder {

    private final DataSource dataSource;
    private final MetricsRecorder metrics;

    public RunStateRecorder(DataSource dataSource) {
        this.dataSource = dataSource;
        this.metrics = new MetricsRecorder(dataSource);
    }

    public void experimentStatus(String experiment, RunStatus status, String workflowId) {
        inTransaction(connection -> {
            int updated = update(connection, """
                    UPDATE experiments SET status = ?, workflow_id = ?, updated_at = now() WHERE name = ?""",
                    status.specName(), workflowId, experiment);
            if (updated == 0) {
                throw UnknownExperimentException.experiment(experiment);
            }
            queueLifecycle(connection, experiment, "", status, workflowId);
        });
    }

    public void runStatus(String experiment, String runId, RunStatus status, String workflowId) {
        inTransaction(connection -> {
            int updated = update(connection, """
                    UPDATE runs SET status = ?, workflow_id = ?, updated_at = now(),
                        started_at = CASE WHEN ? = 'running' THEN coalesce(started_at, now()) ELSE started_at END,
                        finished_at = CASE WHEN ? IN ('succeeded', 'failed', 'cancelled') THEN now() END
                    WHERE run_id = ? AND experiment_id = (SELECT id FROM experiments WHERE name = ?)""",
                    status.specName(), workflowId, status.specName(), status.specName(), runId, experiment);
            requireRun(updated, experiment, runId);
            queueLifecycle(connection, experiment, runId, status, workflowId);
        });
    }

    /** Marks the row succeeded with its split outcome, and keeps its summary metrics. */
    public void runResult(String experiment, String runId, EvaluationResult result) {
        metrics.record(experiment, runId, 0, summary(result));
        inTransaction(connection -> {
            int updated = update(connection, """
                    UPDATE runs SET status = 'succeeded', split_success = ?, split_detail = ?, updated_at = now(),
                        finished_at = now()
                    WHERE run_id = ? AND experiment_id = (SELECT id FROM experiments WHERE name = ?)""",
                    result.outcome().specName(), result.detail(), runId, experiment);
            requireRun(updated, experiment, runId);
            TrackingOutbox.enqueue(connection, experiment, runId, TrackingOutbox.Kind.TAGS, Map.of(
                    "saesplit.split_success", result.outcome().specName(),
                    "saesplit.split_detail", result.detail()));
            queueLifecycle(connection, experiment, runId, RunStatus.SUCCEEDED, null);
        });
    }

    /** The summary metrics of an evaluation, as recorded at step 0. */
    static Map<String, Double> summary(EvaluationResult result) {
        Map<String, Double> summary = new LinkedHashMap<>();
        summary.put("final/mse", result.mse());
        summary.put("final/explained_variance", result.explainedVariance());
        summary.put("final/l0", result.l0());
        summary.put("final/dead_fraction", result.deadFraction());
        summary.put("final/best_cosine_to_target", result.bestCosineToTarget());
        summary.put("final/children", (double) result.children());
        summary.put("split/success", splitScore(result.outcome()));
        return summary;
    }

    /** Split success as a number MLflow can chart and compare: yes 1, partial 0.5, no 0. */
    static double splitScore(SplitOutcome outcome) {
        return switch (outcome) {
            case YES -> 1.0;
            case PARTIAL -> 0.5;
            case NO -> 0.0;
        };
    }

    /** A run starting, or ending as MLflow names it (FINISHED, FAILED, KILLED). */
    private static void queueLifecycle(Connection connection, String experiment, String runId, RunStatus status,
                                       String workflowId) throws SQLException {
        Optional<String> ended = switch (status) {
            case SUCCEEDED -> Optional.of("FINISHED");
            case FAILED -> Optional.of("FAILED");
            case CANCELLED -> Optional.of("KILLED");
            case PENDING, RUNNING -> Optional.empty();
        };
        if (status == RunStatus.RUNNING) {
            TrackingOutbox.enqueue(connection, experiment, runId, TrackingOutbox.Kind.START,
                    workflowId == null ? Map.of() : Map.of("saesplit.workflow_id", workflowId));
        }
        if (ended.isPresent()) {
            TrackingOutbox.enqueue(connection, experiment, runId, TrackingOutbox.Kind.END,
                    Map.of("status", ended.get()));
        }
    }

    private static void requireRun(int updated, String experiment, String runId) {
        if (updated == 0) {
            throw UnknownExperimentException.run(experiment, runId);
        }
    }

    private static int update(Connection connection, String sql, Object... values) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                statement.setObject(i + 1, values[i]);
            }
            return statement.executeUpdate();
        }
    }

    private void inTransaction(VoidWork work) {
        Transactions.run(dataSource, "record run state", connection -> {
            work.run(connection);
            return null;
        });
    }

    @FunctionalInterface
    private interface VoidWork {
        void run(Connection connection) throws SQLException;
    }
}
