package dev.saesplit.experiment;

import dev.saesplit.pipeline.StageProgress;
import dev.saesplit.spec.ExperimentSpec;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** A whole feature-splitting study: shared stages, then one {@code SplitRunWorkflow} per run-table row. */
@WorkflowInterface
public interface ExperimentWorkflow {

    @WorkflowMethod
    ExperimentResult run(ExperimentSpec spec);

    @QueryMethod
    StageProgress progress();
}
