package dev.saesplit.run;

import dev.saesplit.pipeline.StageProgress;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** One run-table row: initialise the wide SAE, train it, evaluate the split. */
@WorkflowInterface
public interface SplitRunWorkflow {

    @WorkflowMethod
    RunResult run(SplitRunInput input);

    @QueryMethod
    StageProgress progress();
}
