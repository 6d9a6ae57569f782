package dev.saesplit.experiment;

import dev.saesplit.pipeline.StageProgress;
import dev.saesplit.pipeline.TrainingProgress;
import dev.saesplit.spec.ExperimentSpec;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** A whole feature-splitting study: shared stages, then one {@code SplitRunWorkflow} per run-table row. */
@WorkflowInterface
public interface ExperimentWorkflow {

    @WorkflowMethod
    ExperimentResult run(ExperimentSpec spec);

    /** Sent by the narrow SAE's training activity as it goes. */
    @SignalMethod
    void reportProgress(TrainingProgress progress);

    @QueryMethod
    StageProgress progress();
}
