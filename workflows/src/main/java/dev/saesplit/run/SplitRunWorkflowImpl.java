package dev.saesplit.run;

import dev.saesplit.evaluate.EvaluationActivities;
import dev.saesplit.evaluate.EvaluationResult;
import dev.saesplit.init.InitActivities;
import dev.saesplit.pipeline.PipelineActivityOptions;
import dev.saesplit.pipeline.PipelineStage;
import dev.saesplit.pipeline.SaeRef;
import dev.saesplit.pipeline.StageProgress;
import dev.saesplit.pipeline.WorkflowEnd;
import dev.saesplit.record.RunTableActivities;
import dev.saesplit.spec.RunSpec;
import dev.saesplit.table.RunStatus;
import dev.saesplit.train.TrainingActivities;
import dev.saesplit.pipeline.Failures;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Workflow;

/**
 * The row's pipeline: initialise → train → evaluate, or, for a row naming an SAE trained elsewhere, import →
 * evaluate; the row's state recorded at each end.
 */
public final class SplitRunWorkflowImpl implements SplitRunWorkflow {

    /** Marks histories of rows that import their SAE; no history recorded before it has such a row. */
    static final String IMPORT_EXISTING_SAE = "import-existing-sae";
    /** Marks histories of rows handed an SAE trained with other rows; no history recorded before it has one. */
    static final String EVALUATE_GROUP_TRAINED = "evaluate-group-trained-sae";

    private final InitActivities init =
            Workflow.newActivityStub(InitActivities.class, PipelineActivityOptions.SHORT_IO);
    private final TrainingActivities training =
            Workflow.newActivityStub(TrainingActivities.class, PipelineActivityOptions.TRAINING);
    private final EvaluationActivities evaluation =
            Workflow.newActivityStub(EvaluationActivities.class, PipelineActivityOptions.DATA);
    private final RunTableActivities runTable =
            Workflow.newActivityStub(RunTableActivities.class, PipelineActivityOptions.SHORT_IO);

    private PipelineStage stage = PipelineStage.STARTING;
    private boolean done;

    @Override
    public RunResult run(SplitRunInput input) {
        String experiment = input.experiment();
        RunSpec row = input.run();
        String workflowId = Workflow.getInfo().getWorkflowId();
        runTable.runStatus(experiment, row.id(), RunStatus.RUNNING, workflowId);
        try {
            SaeRef trained = row.evaluatesExisting() ? imported(input)
                    : input.trained() != null ? trainedInGroup(input) : trained(input);
            stage = PipelineStage.EVALUATE;
            EvaluationResult result = evaluation.evaluate(input.evaluationRequest(trained));
            runTable.runResult(experiment, row.id(), result);
            return new RunResult(row.id(), trained, result);
        } catch (TemporalFailure e) {
            RunStatus end = WorkflowEnd.ofFailure();
            WorkflowEnd.record(() -> {
                if (end == RunStatus.FAILED) {
                    runTable.runFailed(experiment, row.id(), Failures.rootMessage(e), workflowId);
                } else {
                    runTable.runStatus(experiment, row.id(), end, workflowId);
                }
            });
            throw e;
        } finally {
            done = true;
        }
    }

    private SaeRef trained(SplitRunInput input) {
        stage = PipelineStage.INIT;
        SaeRef initial = init.initialise(input.initRequest());
        stage = PipelineStage.TRAIN;
        return training.train(input.trainRequest(initial));
    }

    /** The experiment initialised and trained this row together with others; the row evaluates what it got. */
    private SaeRef trainedInGroup(SplitRunInput input) {
        Workflow.getVersion(EVALUATE_GROUP_TRAINED, Workflow.DEFAULT_VERSION, 1);
        return input.trained();
    }

    private SaeRef imported(SplitRunInput input) {
        Workflow.getVersion(IMPORT_EXISTING_SAE, Workflow.DEFAULT_VERSION, 1);
        stage = PipelineStage.IMPORT;
        return init.importForRow(input.experiment(), input.run().id(), input.run().sae().toString(), input.data());
    }

    @Override
    public StageProgress progress() {
        return StageProgress.at(stage, done);
    }
}
