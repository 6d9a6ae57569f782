package dev.saesplit.experiment;

import dev.saesplit.cache.ActivationActivities;
import dev.saesplit.filter.FilterActivities;
import dev.saesplit.init.InitActivities;
import dev.saesplit.init.InitRequest;
import dev.saesplit.lm.train.LanguageModelTrainingActivities;
import dev.saesplit.pipeline.ActivationsRef;
import dev.saesplit.pipeline.Failures;
import dev.saesplit.pipeline.FilteredDataRef;
import dev.saesplit.pipeline.PipelineActivityOptions;
import dev.saesplit.pipeline.PipelineStage;
import dev.saesplit.pipeline.SaeRef;
import dev.saesplit.pipeline.StageProgress;
import dev.saesplit.pipeline.WorkflowIds;
import dev.saesplit.record.RunTableActivities;
import dev.saesplit.run.RunResult;
import dev.saesplit.run.SplitRunInput;
import dev.saesplit.run.SplitRunWorkflow;
import dev.saesplit.spec.ActivationSourceSpec;
import dev.saesplit.spec.DataSelection;
import dev.saesplit.spec.ExperimentSpec;
import dev.saesplit.spec.Init;
import dev.saesplit.spec.NarrowSaeSpec;
import dev.saesplit.spec.RunSpec;
import dev.saesplit.spec.TargetLatent;
import dev.saesplit.table.RunStatus;
import dev.saesplit.track.ReportRequest;
import dev.saesplit.track.TrackingActivities;
import dev.saesplit.train.TrainRequest;
import dev.saesplit.train.TrainingActivities;
import dev.saesplit.upstream.UpstreamDagActivities;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.ChildWorkflowCancellationType;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The experiment's pipeline, as in the design: activations → narrow SAE → target and filter → rows → report.
 * A spec with an empty run table stops after the narrow SAE, so its latents can be inspected before the target
 * is chosen; every output is content-addressed, so a later full run reuses what it produced.
 */
public final class ExperimentWorkflowImpl implements ExperimentWorkflow {

    private final ActivationActivities activations =
            Workflow.newActivityStub(ActivationActivities.class, PipelineActivityOptions.DATA);
    private final InitActivities init =
            Workflow.newActivityStub(InitActivities.class, PipelineActivityOptions.SHORT_IO);
    private final TrainingActivities training =
            Workflow.newActivityStub(TrainingActivities.class, PipelineActivityOptions.TRAINING);
    private final FilterActivities filter =
            Workflow.newActivityStub(FilterActivities.class, PipelineActivityOptions.DATA);
    private final RunTableActivities runTable =
            Workflow.newActivityStub(RunTableActivities.class, PipelineActivityOptions.SHORT_IO);
    private final TrackingActivities tracking =
            Workflow.newActivityStub(TrackingActivities.class, PipelineActivityOptions.DATA);
    private final UpstreamDagActivities upstream =
            Workflow.newActivityStub(UpstreamDagActivities.class, PipelineActivityOptions.DATA);
    private final LanguageModelTrainingActivities languageModel =
            Workflow.newActivityStub(LanguageModelTrainingActivities.class, PipelineActivityOptions.TRAINING);

    private PipelineStage stage = PipelineStage.STARTING;
    private boolean done;

    @Override
    public ExperimentResult run(ExperimentSpec spec) {
        String workflowId = Workflow.getInfo().getWorkflowId();
        // A run that stops at the narrow SAE trains no row: the experiment's recorded status stays its rows' one.
        boolean recordsStatus = !spec.stopsAtNarrow();
        if (recordsStatus) {
            runTable.experimentStatus(spec.name(), RunStatus.RUNNING, workflowId);
        }
        try {
            ActivationSourceSpec source = spec.activations();
            if (source instanceof ActivationSourceSpec.Model model && model.after() != null) {
                stage = PipelineStage.UPSTREAM;
                source = model.withDataset(Path.of(upstream.awaitDagRun(spec.name(), model.after())));
            }
            ActivationSourceSpec trained = trainedModel(spec.name(), source);
            // Rows read the model the activations came from: the spec's, or the one just trained.
            ActivationSourceSpec modelSource = trained == source ? spec.activations() : trained;
            source = trained;
            stage = PipelineStage.CACHE;
            ActivationsRef data = activations.ensureActivations(spec.name(), source);
            stage = PipelineStage.NARROW;
            SaeRef narrow = narrowSae(spec, data);
            if (spec.stopsAtNarrow()) {
                return new ExperimentResult(spec.name(), RunStatus.SUCCEEDED, narrow, -1, null, List.of());
            }
            stage = PipelineStage.FILTER;
            int target = spec.targetLatent() instanceof TargetLatent.Token token
                    ? filter.chooseTokenTarget(spec.name(), data, narrow, token.token(),
                            (ActivationSourceSpec.Model) source).latent()
                    : filter.resolveTarget(data, narrow, spec.targetLatent());
            FilteredDataRef filtered = usesFilteredData(spec)
                    ? filter.selectFiltered(spec.name(), data, narrow, target, spec.filterThreshold()) : null;
            stage = PipelineStage.RUNS;
            List<RunOutcome> outcomes = runAll(spec, modelSource, data, filtered, narrow, target);
            stage = PipelineStage.REPORT;
            tracking.publishReport(new ReportRequest(spec.name(), narrow, filtered, outcomes.stream()
                    .map(o -> new ReportRequest.Row(o.runId(), o.sae(), o.evaluation())).toList()));
            RunStatus status = outcomes.stream().allMatch(o -> o.status() == RunStatus.SUCCEEDED)
                    ? RunStatus.SUCCEEDED : RunStatus.FAILED;
            runTable.experimentStatus(spec.name(), status, workflowId);
            return new ExperimentResult(spec.name(), status, narrow, target, filtered, outcomes);
        } catch (TemporalFailure e) {
            RunStatus end = CancellationScope.current().isCancelRequested() ? RunStatus.CANCELLED : RunStatus.FAILED;
            if (recordsStatus) {
                Workflow.newDetachedCancellationScope(
                        () -> runTable.experimentStatus(spec.name(), end, workflowId)).run();
            }
            throw e;
        } finally {
            done = true;
        }
    }

    @Override
    public StageProgress progress() {
        return StageProgress.at(stage, done);
    }

    /** A source whose spec trains its language model, reading that model (trained first, once per machine). */
    private ActivationSourceSpec trainedModel(String experiment, ActivationSourceSpec source) {
        if (!(source instanceof ActivationSourceSpec.Model model) || model.train() == null) {
            return source;
        }
        stage = PipelineStage.MODEL;
        return model.withTrainedModel(languageModel.trainLanguageModel(model.train(), experiment));
    }

    private SaeRef narrowSae(ExperimentSpec spec, ActivationsRef data) {
        if (spec.narrowSae() instanceof NarrowSaeSpec.Existing existing) {
            return init.registerExisting(spec.name(), existing.path().toString(), data);
        }
        NarrowSaeSpec.Train narrow = (NarrowSaeSpec.Train) spec.narrowSae();
        SaeRef initial = init.initialise(new InitRequest(spec.name(), "", data, narrow.width(), narrow.seed(),
                Init.RANDOM, true, null));
        return training.train(TrainRequest.forNarrow(spec.name(), initial, data, spec.training(), narrow.tokens(),
                narrow.seed()));
    }

    /** One child per row, at most {@code maxParallelRuns} at once; a failed row does not stop the others. */
    private List<RunOutcome> runAll(ExperimentSpec spec, ActivationSourceSpec modelSource, ActivationsRef data,
                                    FilteredDataRef filtered, SaeRef narrow, int target) {
        List<Promise<RunOutcome>> all = new ArrayList<>();
        List<Promise<RunOutcome>> active = new ArrayList<>();
        for (RunSpec row : spec.runs()) {
            while (active.size() >= spec.maxParallelRuns()) {
                Promise.anyOf(active).get();
                active.removeIf(Promise::isCompleted);
            }
            SplitRunInput input = new SplitRunInput(spec.name(), row, data, filtered, narrow, target,
                    spec.filterThreshold(), spec.training(), spec.split(), modelSource);
            Promise<RunOutcome> outcome = Async.function(child(spec.name(), row)::run, input)
                    .handle((result, failure) -> outcome(row, result, failure));
            all.add(outcome);
            active.add(outcome);
        }
        return all.stream().map(Promise::get).toList();
    }

    private static SplitRunWorkflow child(String experiment, RunSpec row) {
        return Workflow.newChildWorkflowStub(SplitRunWorkflow.class, ChildWorkflowOptions.newBuilder()
                .setWorkflowId(WorkflowIds.run(experiment, row.id()))
                .setCancellationType(ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED)
                .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_REQUEST_CANCEL)
                .build());
    }

    private static RunOutcome outcome(RunSpec row, RunResult result, RuntimeException failure) {
        if (failure == null) {
            return new RunOutcome(row.id(), RunStatus.SUCCEEDED, result.sae(), result.evaluation(), "");
        }
        boolean cancelled = failure.getCause() instanceof CanceledFailure || failure instanceof CanceledFailure;
        return new RunOutcome(row.id(), cancelled ? RunStatus.CANCELLED : RunStatus.FAILED, null, null,
                Failures.rootMessage(failure));
    }

    private static boolean usesFilteredData(ExperimentSpec spec) {
        return spec.runs().stream().anyMatch(r -> r.data() == DataSelection.FILTERED);
    }
}
