package dev.saesplit.experiment;

import dev.saesplit.activations.ActivationActivities;
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
import dev.saesplit.pipeline.WorkflowEnd;
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
            Activations data = activations(spec);
            SaeRef narrow = narrowSae(spec, data.ref());
            if (spec.stopsAtNarrow()) {
                return new ExperimentResult(spec.name(), RunStatus.SUCCEEDED, narrow, -1, null, List.of());
            }
            Target target = target(spec, data, narrow);
            stage = PipelineStage.RUNS;
            List<RunOutcome> outcomes = runAll(spec, data.rowsRead(), data.ref(), target.filtered(), narrow,
                    target.latent());
            return report(spec, narrow, target, outcomes, workflowId);
        } catch (TemporalFailure e) {
            RunStatus end = WorkflowEnd.ofFailure();
            if (recordsStatus) {
                WorkflowEnd.record(() -> runTable.experimentStatus(spec.name(), end, workflowId));
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

    /**
     * The experiment's activations and the sources they come from.
     *
     * @param ref      the activations every stage reads
     * @param source   what they were read from: the spec's source, with its dataset taken from an upstream DAG run
     *                 and its model trained here first where the spec says so
     * @param rowsRead the source the rows' evaluations reach the model through: the spec's own, or the model just
     *                 trained
     */
    private record Activations(ActivationsRef ref, ActivationSourceSpec source, ActivationSourceSpec rowsRead) {
    }

    /** The studied latent of the narrow SAE, and its filtered tokens where a row trains on them. */
    private record Target(int latent, FilteredDataRef filtered) {
    }

    /** Waits for an upstream DAG's dataset, trains the language model, then caches or streams the activations. */
    private Activations activations(ExperimentSpec spec) {
        ActivationSourceSpec source = spec.activations();
        if (source instanceof ActivationSourceSpec.Model model && model.after() != null) {
            stage = PipelineStage.UPSTREAM;
            source = model.withDataset(Path.of(upstream.awaitDagRun(spec.name(), model.after())));
        }
        ActivationSourceSpec rowsRead = spec.activations();
        if (source instanceof ActivationSourceSpec.Model model && model.train() != null) {
            stage = PipelineStage.MODEL;
            source = model.withTrainedModel(languageModel.trainLanguageModel(model.train(), spec.name()));
            rowsRead = source;
        }
        stage = PipelineStage.CACHE;
        return new Activations(activations.ensureActivations(spec.name(), source), source, rowsRead);
    }

    /** Resolves the target latent, and selects its tokens when some row trains on them. */
    private Target target(ExperimentSpec spec, Activations data, SaeRef narrow) {
        stage = PipelineStage.FILTER;
        int latent = spec.targetLatent() instanceof TargetLatent.Token token
                ? filter.chooseTokenTarget(spec.name(), data.ref(), narrow, token.token(),
                        (ActivationSourceSpec.Model) data.source()).latent()
                : filter.resolveTarget(data.ref(), narrow, spec.targetLatent());
        FilteredDataRef filtered = usesFilteredData(spec)
                ? filter.selectFiltered(spec.name(), data.ref(), narrow, latent, spec.filterThreshold()) : null;
        return new Target(latent, filtered);
    }

    /** Publishes the report of every row and records the experiment's end: succeeded when every row did. */
    private ExperimentResult report(ExperimentSpec spec, SaeRef narrow, Target target, List<RunOutcome> outcomes,
                                    String workflowId) {
        stage = PipelineStage.REPORT;
        tracking.publishReport(new ReportRequest(spec.name(), narrow, target.filtered(), outcomes.stream()
                .map(o -> new ReportRequest.Row(o.runId(), o.sae(), o.evaluation())).toList()));
        RunStatus status = outcomes.stream().allMatch(o -> o.status() == RunStatus.SUCCEEDED)
                ? RunStatus.SUCCEEDED : RunStatus.FAILED;
        runTable.experimentStatus(spec.name(), status, workflowId);
        return new ExperimentResult(spec.name(), status, narrow, target.latent(), target.filtered(), outcomes);
    }

    private SaeRef narrowSae(ExperimentSpec spec, ActivationsRef data) {
        stage = PipelineStage.NARROW;
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
            boolean cancelled = WorkflowEnd.ofFailure() == RunStatus.CANCELLED;
            WorkflowEnd.record(() -> {
                for (SplitRunInput row : rows) {
                    String id = row.run().id();
                    if (cancelled) {
                        runTable.runStatus(experiment, id, RunStatus.CANCELLED, WorkflowIds.run(experiment, id));
                    } else {
                        runTable.runFailed(experiment, id, Failures.rootMessage(e), WorkflowIds.run(experiment, id));
                    }
                }
            });
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
