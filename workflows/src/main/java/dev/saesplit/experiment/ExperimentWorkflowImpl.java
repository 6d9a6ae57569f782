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
import dev.saesplit.train.GroupTrainRequest;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    /** Marks histories of experiments that train rows together; no history recorded before it has one. */
    static final String TRAIN_ROWS_TOGETHER = "train-rows-together";

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

    /**
     * One child per row, at most {@code maxParallelRuns} at once; a failed row does not stop the others. With
     * {@code training.shared_stream}, the rows that read the same data are first trained together, one activity per
     * group, and each of those rows' children evaluates the SAE it is handed.
     */
    private List<RunOutcome> runAll(ExperimentSpec spec, ActivationSourceSpec modelSource, ActivationsRef data,
                                    FilteredDataRef filtered, SaeRef narrow, int target) {
        Map<String, SplitRunInput> inputs = new LinkedHashMap<>();
        for (RunSpec row : spec.runs()) {
            inputs.put(row.id(), new SplitRunInput(spec.name(), row, data, filtered, narrow, target,
                    spec.filterThreshold(), spec.training(), spec.split(), modelSource));
        }
        Map<String, Promise<SaeRef>> trainedTogether = spec.training().sharedStream()
                && Workflow.getVersion(TRAIN_ROWS_TOGETHER, Workflow.DEFAULT_VERSION, 1) >= 1
                ? trainGroups(spec.name(), inputs) : Map.of();
        List<Promise<RunOutcome>> all = new ArrayList<>();
        List<Promise<RunOutcome>> active = new ArrayList<>();
        for (RunSpec row : spec.runs()) {
            while (active.size() >= spec.maxParallelRuns()) {
                Promise.anyOf(active).get();
                active.removeIf(Promise::isCompleted);
            }
            SplitRunInput input = inputs.get(row.id());
            Promise<SaeRef> trained = trainedTogether.get(row.id());
            Promise<RunResult> result = trained == null ? Async.function(child(spec.name(), row)::run, input)
                    : Async.function(() -> child(spec.name(), row).run(input.withTrained(trained.get())));
            Promise<RunOutcome> outcome = result.handle((done, failure) -> outcome(row, done, failure));
            all.add(outcome);
            active.add(outcome);
        }
        return all.stream().map(Promise::get).toList();
    }

    /** Starts training each group of rows that read the same data; each row's SAE, by row id, once trained. */
    private Map<String, Promise<SaeRef>> trainGroups(String experiment, Map<String, SplitRunInput> inputs) {
        Map<DataSelection, List<SplitRunInput>> groups = new LinkedHashMap<>();
        for (SplitRunInput input : inputs.values()) {
            if (!input.run().evaluatesExisting()) {
                groups.computeIfAbsent(input.run().data(), d -> new ArrayList<>()).add(input);
            }
        }
        Map<String, Promise<SaeRef>> trained = new LinkedHashMap<>();
        for (List<SplitRunInput> group : groups.values()) {
            Promise<List<SaeRef>> saes = Async.function(this::trainGroup, experiment, group);
            for (int i = 0; i < group.size(); i++) {
                int member = i;
                trained.put(group.get(i).run().id(), saes.thenApply(list -> list.get(member)));
            }
        }
        return trained;
    }

    /**
     * Initialises the group's rows and trains them together, the data order seeded by the group's first row's
     * seed. A failure (bad input in any row's data, say) fails every row of the group with its reason.
     */
    private List<SaeRef> trainGroup(String experiment, List<SplitRunInput> rows) {
        try {
            List<Promise<SaeRef>> initial = new ArrayList<>();
            for (SplitRunInput row : rows) {
                runTable.runStatus(experiment, row.run().id(), RunStatus.RUNNING,
                        WorkflowIds.run(experiment, row.run().id()));
                initial.add(Async.function(init::initialise, row.initRequest()));
            }
            List<TrainRequest> requests = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++) {
                requests.add(rows.get(i).trainRequest(initial.get(i).get()));
            }
            return training.trainTogether(new GroupTrainRequest(experiment, rows.get(0).run().seed(), requests));
        } catch (TemporalFailure e) {
            boolean cancelled = CancellationScope.current().isCancelRequested();
            Workflow.newDetachedCancellationScope(() -> {
                for (SplitRunInput row : rows) {
                    String id = row.run().id();
                    if (cancelled) {
                        runTable.runStatus(experiment, id, RunStatus.CANCELLED, WorkflowIds.run(experiment, id));
                    } else {
                        runTable.runFailed(experiment, id, Failures.rootMessage(e), WorkflowIds.run(experiment, id));
                    }
                }
            }).run();
            throw e;
        }
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
