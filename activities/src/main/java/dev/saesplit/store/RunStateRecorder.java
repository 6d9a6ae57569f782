package dev.saesplit.store;

import dev.saesplit.evaluate.EvaluationResult;
import dev.saesplit.evaluate.LossRecoveredSummary;
import dev.saesplit.evaluate.ReconstructionSummary;
import dev.saesplit.table.RunStatus;
import dev.saesplit.table.RunTableFormatter;
import dev.saesplit.table.SplitOutcome;

import javax.sql.DataSource;
import java.sql.Connection;
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
            int updated = Jdbc.update(connection, """
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
            int updated = Jdbc.update(connection, """
                    UPDATE runs SET status = ?, workflow_id = ?, updated_at = now(),
                        started_at = CASE WHEN ? = 'running' THEN coalesce(started_at, now()) ELSE started_at END,
                        finished_at = CASE WHEN ? IN ('succeeded', 'failed', 'cancelled') THEN now() END
                    WHERE run_id = ? AND experiment_id = (SELECT id FROM experiments WHERE name = ?)""",
                    status.specName(), workflowId, status.specName(), status.specName(), runId, experiment);
            requireRun(updated, experiment, runId);
            queueLifecycle(connection, experiment, runId, status, workflowId);
        });
    }

    /**
     * Marks the row failed with {@code failure} as its reason, in the run table (where a succeeded row keeps its
     * split reason) and as the MLflow tag {@code saesplit.failure}.
     */
    public void runFailed(String experiment, String runId, String failure, String workflowId) {
        inTransaction(connection -> {
            int updated = Jdbc.update(connection, """
                    UPDATE runs SET status = 'failed', split_detail = ?, workflow_id = ?, updated_at = now(),
                        finished_at = now()
                    WHERE run_id = ? AND experiment_id = (SELECT id FROM experiments WHERE name = ?)""",
                    failure, workflowId, runId, experiment);
            requireRun(updated, experiment, runId);
            TrackingOutbox.enqueue(connection, experiment, runId, TrackingOutbox.Kind.TAGS,
                    Map.of("saesplit.failure", failure));
            queueLifecycle(connection, experiment, runId, RunStatus.FAILED, workflowId);
        });
    }

    /** Marks the row succeeded with its split outcome, and keeps its summary metrics. */
    public void runResult(String experiment, String runId, EvaluationResult result) {
        metrics.record(experiment, runId, 0, summary(result));
        String groundTruth = result.groundTruthOutcome() == null ? null : result.groundTruthOutcome().specName();
        inTransaction(connection -> {
            int updated = Jdbc.update(connection, """
                    UPDATE runs SET status = 'succeeded', split_success = ?, split_detail = ?,
                        ground_truth_success = ?, ground_truth_detail = ?, report_uri = ?, updated_at = now(),
                        finished_at = now()
                    WHERE run_id = ? AND experiment_id = (SELECT id FROM experiments WHERE name = ?)""",
                    result.outcome().specName(), result.reason(), groundTruth, result.groundTruthReason(),
                    result.report() == null ? null : result.report().uri(), runId, experiment);
            requireRun(updated, experiment, runId);
            Map<String, String> tags = new LinkedHashMap<>();
            tags.put("saesplit.split_success", result.outcome().specName());
            tags.put("saesplit.split_reason", result.reason());
            if (groundTruth != null) {
                tags.put("saesplit.ground_truth_success", groundTruth);
                tags.put("saesplit.ground_truth_reason", result.groundTruthReason());
            }
            TrackingOutbox.enqueue(connection, experiment, runId, TrackingOutbox.Kind.TAGS, tags);
            queueLifecycle(connection, experiment, runId, RunStatus.SUCCEEDED, null);
        });
    }

    /**
     * The summary metrics of an evaluation, as recorded at step 0. Reconstruction names its data: {@code all}
     * held-out tokens, or the {@code filtered} ones where the target fires.
     */
    static Map<String, Double> summary(EvaluationResult result) {
        Map<String, Double> summary = new LinkedHashMap<>();
        putReconstruction(summary, "final/all/", result.all());
        putReconstruction(summary, "final/filtered/", result.filtered());
        summary.put("split/children", (double) result.children());
        summary.put("split/distinct_children", (double) result.distinctChildren());
        summary.put("split/coverage", result.coverage());
        summary.put("split/success", splitScore(result.outcome()));
        if (result.groundTruthOutcome() != null) {
            summary.put("split/ground_truth_success", splitScore(result.groundTruthOutcome()));
        }
        LossRecoveredSummary loss = result.lossRecovered();
        if (loss != null) {
            summary.put(RunTableFormatter.CE_LOSS_CLEAN, loss.ceClean());
            summary.put(RunTableFormatter.CE_LOSS_SPLICED, loss.ceSpliced());
            summary.put(RunTableFormatter.CE_LOSS_ZERO_ABLATED, loss.ceZeroAblated());
            summary.put(RunTableFormatter.LOSS_RECOVERED, loss.fractionRecovered());
        }
        return summary;
    }

    private static void putReconstruction(Map<String, Double> summary, String prefix, ReconstructionSummary r) {
        summary.put(prefix + "mse", r.mse());
        summary.put(prefix + "explained_variance", r.explainedVariance());
        summary.put(prefix + "l0", r.l0());
        summary.put(prefix + "dead_fraction", r.deadFraction());
        summary.put(prefix + "tokens", (double) r.tokens());
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

    private void inTransaction(VoidWork work) {
        Jdbc.inTransaction(dataSource, "record run state", connection -> {
            work.run(connection);
            return null;
        });
    }

    @FunctionalInterface
    private interface VoidWork {
        void run(Connection connection) throws SQLException;
    }
}
