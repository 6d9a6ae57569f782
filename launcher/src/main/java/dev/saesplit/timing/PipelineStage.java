package dev.saesplit.timing;

import java.util.Optional;

/**
 * The pipeline's stages as {@code run}'s timing summary names them, and which activity belongs to which: the
 * same activity type can be two stages ({@code Train} trains the narrow SAE in the experiment workflow, a row's
 * SAE in a row's), so the workflow decides too. Recording the run table's state is bookkeeping of its own.
 */
public enum PipelineStage {
    UPSTREAM("upstream"), MODEL("model"), CACHE("cache"), NARROW("narrow"), FILTER("filter"), INIT("init"),
    TRAIN("train"), EVALUATE("evaluate"), REPORT("report"), RECORD("record");

    private final String label;

    PipelineStage(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The stage of an activity of {@code type} run by the experiment workflow or by a row's workflow. */
    public static Optional<PipelineStage> of(String type, boolean rowWorkflow) {
        return Optional.ofNullable(switch (type) {
            case "AwaitDagRun" -> UPSTREAM;
            case "TrainLanguageModel" -> MODEL;
            case "EnsureActivations" -> CACHE;
            case "RegisterExisting" -> NARROW;
            case "Initialise" -> rowWorkflow ? INIT : NARROW;
            case "ImportForRow" -> INIT;
            case "Train" -> rowWorkflow ? TRAIN : NARROW;
            case "ResolveTarget", "ChooseTokenTarget", "SelectFiltered" -> FILTER;
            case "Evaluate" -> EVALUATE;
            case "PublishReport" -> REPORT;
            case "ExperimentStatus", "RunStatus", "RunResult", "RunFailed" -> RECORD;
            default -> null;
        });
    }
}
