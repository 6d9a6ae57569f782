package dev.saesplit.pipeline;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The pipeline's stages, in the order an experiment runs them: what a workflow's {@code progress()} query answers
 * ({@link #display()}), what {@code run}'s timing summary calls them ({@link #label()}), and which activity types
 * each one runs. An activity type is named after its interface method ({@code ensureActivations} runs as
 * {@code EnsureActivations}); a renamed method that is not renamed here fails {@code PipelineStageTest} instead of
 * silently dropping out of the timing summary.
 *
 * <p>A stage without activities ({@link #STARTING}, {@link #RUNS}, {@link #IMPORT}) is only ever shown, never
 * timed: a row's import is timed with its initialisation, as both make the SAE that the row then evaluates.
 */
public enum PipelineStage {
    STARTING("starting", "starting"),
    UPSTREAM("upstream DAG", "upstream", "AwaitDagRun"),
    MODEL("language model", "model", "TrainLanguageModel"),
    CACHE("activations", "cache", "EnsureActivations"),
    /** The narrow SAE: registered, or initialised and trained by the experiment workflow itself. */
    NARROW("narrow SAE", "narrow", "RegisterExisting"),
    FILTER("filter", "filter", "ResolveTarget", "ChooseTokenTarget", "SelectFiltered"),
    /** The experiment workflow waiting on its rows' workflows. */
    RUNS("runs", "runs"),
    INIT("initialise", "init", "Initialise", "ImportForRow"),
    /** A row importing an SAE trained elsewhere; its activity is timed under {@link #INIT}. */
    IMPORT("import", "import"),
    TRAIN("train", "train", "Train", "TrainTogether"),
    EVALUATE("evaluate", "evaluate", "Evaluate"),
    REPORT("report", "report", "PublishReport"),
    /** Writing the run table's state: bookkeeping no workflow reports as its stage. */
    RECORD("record", "record", "ExperimentStatus", "RunStatus", "RunResult", "RunFailed");

    /** The row activities the experiment workflow runs too, for its narrow SAE. */
    private static final Set<String> NARROW_SAE_STEPS = Set.of("Initialise", "Train");

    private final String display;
    private final String label;
    private final List<String> activityTypes;

    PipelineStage(String display, String label, String... activityTypes) {
        this.display = display;
        this.label = label;
        this.activityTypes = List.of(activityTypes);
    }

    /** The stage in a workflow's {@code progress()} answer and on {@code run}/{@code status}'s lines. */
    public String display() {
        return display;
    }

    /** The stage in {@code run}'s timing summary. */
    public String label() {
        return label;
    }

    /** The activity types this stage runs (the workflow that runs them can change the stage: {@link #ofActivity}). */
    public List<String> activityTypes() {
        return activityTypes;
    }

    /**
     * The stage of an activity of {@code type} run by the experiment workflow or by a row's workflow. The same
     * type can be two stages: the experiment workflow initialises and trains the narrow SAE with a row's
     * activities.
     */
    public static Optional<PipelineStage> ofActivity(String type, boolean rowWorkflow) {
        return Arrays.stream(values())
                .filter(stage -> stage.activityTypes.contains(type))
                .findFirst()
                .map(stage -> !rowWorkflow && NARROW_SAE_STEPS.contains(type) ? NARROW : stage);
    }
}
