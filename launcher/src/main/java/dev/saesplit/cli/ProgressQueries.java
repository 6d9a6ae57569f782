package dev.saesplit.cli;

import dev.saesplit.experiment.ExperimentWorkflow;
import dev.saesplit.pipeline.StageProgress;
import dev.saesplit.pipeline.TrainingProgress;
import dev.saesplit.pipeline.WorkflowIds;
import dev.saesplit.run.SplitRunWorkflow;
import dev.saesplit.train.TrainingProgressReader;
import io.temporal.client.WorkflowClient;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * An experiment's live progress: each workflow's stage by query, and a training's steps and loss from its
 * activity's heartbeat details (never from the database).
 */
final class ProgressQueries {

    /** The experiment workflow's stage while it caches activations. */
    static final String CACHING_STAGE = "activations";
    /** A training waiting for a worker's training slot. */
    static final String QUEUED_STAGE = "queued";
    private static final StageProgress WAITING = new StageProgress("waiting", TrainingProgress.NONE, false);

    private ProgressQueries() {
    }

    /** "experiment" and "run ID" for each row, in order; a workflow not started yet shows as waiting. */
    static Map<String, StageProgress> of(WorkflowClient client, String experiment, List<String> rowIds) {
        return of(client, experiment, WorkflowIds.experiment(experiment), rowIds);
    }

    /** As above, with the experiment's stages read from the workflow {@code experimentId} (a narrow-only run's). */
    static Map<String, StageProgress> of(WorkflowClient client, String experiment, String experimentId,
                                         List<String> rowIds) {
        Map<String, StageProgress> lines = new LinkedHashMap<>();
        TrainingProgressReader training = new TrainingProgressReader(client);
        StageProgress overall = queried(() -> client.newWorkflowStub(ExperimentWorkflow.class, experimentId)
                .progress());
        if (overall.stage().equals(CACHING_STAGE)) {
            overall = CachingHeartbeats.latest(client, experimentId)
                    .map(p -> new StageProgress(CACHING_STAGE, new TrainingProgress(p.tokensCached(), p.totalTokens(),
                            Double.NaN), false))
                    .orElse(overall);
        } else {
            overall = withTraining(training, experimentId, overall);
        }
        lines.put("experiment", overall);
        for (String row : rowIds) {
            String rowId = WorkflowIds.run(experiment, row);
            lines.put("run " + row, withTraining(training, rowId, queried(() -> client.newWorkflowStub(
                    SplitRunWorkflow.class, rowId).progress())));
        }
        return lines;
    }

    private static StageProgress queried(Supplier<StageProgress> query) {
        try {
            return query.get();
        } catch (RuntimeException notStartedYet) {
            return WAITING;
        }
    }

    /**
     * A workflow that is not done may be training (a row, or the experiment's narrow SAE); a training no worker
     * has started yet (all training slots taken) shows as queued.
     */
    private static StageProgress withTraining(TrainingProgressReader training, String workflowId, StageProgress p) {
        if (p.done() || p == WAITING) {
            return p;
        }
        try {
            return training.pending(workflowId)
                    .map(t -> t.queued() ? new StageProgress(QUEUED_STAGE, TrainingProgress.NONE, false)
                            : t.progress().map(progress -> new StageProgress(p.stage(), progress, false)).orElse(p))
                    .orElse(p);
        } catch (RuntimeException describeFailed) {
            return p; // progress is advisory: a line without steps, nothing else
        }
    }
}
