package dev.saesplit.cli;

import dev.saesplit.experiment.ExperimentWorkflow;
import dev.saesplit.pipeline.StageProgress;
import dev.saesplit.pipeline.TrainingProgress;
import dev.saesplit.pipeline.WorkflowIds;
import dev.saesplit.run.SplitRunWorkflow;
import io.temporal.client.WorkflowClient;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** An experiment's live progress, read by workflow queries (never from the database). */
final class ProgressQueries {

    /** The experiment workflow's stage while it caches activations. */
    static final String CACHING_STAGE = "activations";
    private static final StageProgress WAITING = new StageProgress("waiting", TrainingProgress.NONE, false);

    private ProgressQueries() {
    }

    /** "experiment" and "run ID" for each row, in order; a workflow not started yet shows as waiting. */
    static Map<String, StageProgress> of(WorkflowClient client, String experiment, List<String> rowIds) {
        Map<String, StageProgress> lines = new LinkedHashMap<>();
        StageProgress overall = queried(() -> client.newWorkflowStub(ExperimentWorkflow.class,
                WorkflowIds.experiment(experiment)).progress());
        if (overall.stage().equals(CACHING_STAGE)) {
            overall = CachingHeartbeats.latest(client, WorkflowIds.experiment(experiment))
                    .map(p -> new StageProgress(CACHING_STAGE, new TrainingProgress(p.tokensCached(), p.totalTokens(),
                            Double.NaN), false))
                    .orElse(overall);
        }
        lines.put("experiment", overall);
        for (String row : rowIds) {
            lines.put("run " + row, queried(() -> client.newWorkflowStub(SplitRunWorkflow.class,
                    WorkflowIds.run(experiment, row)).progress()));
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
}
