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

    private static final StageProgress WAITING = new StageProgress("waiting", TrainingProgress.NONE, false);

    private ProgressQueries() {
    }

    /** "experiment" and "run ID" for each row, in order; a workflow not started yet shows as waiting. */
    static Map<String, StageProgress> of(WorkflowClient client, String experiment, List<String> rowIds) {
        Map<String, StageProgress> lines = new LinkedHashMap<>();
        lines.put("experiment", queried(() -> client.newWorkflowStub(ExperimentWorkflow.class,
                WorkflowIds.experiment(experiment)).progress()));
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
