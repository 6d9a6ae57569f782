package dev.saesplit.pipeline;

/** Workflow ids derive from names alone, so launching twice finds the same execution. */
public final class WorkflowIds {

    private WorkflowIds() {
    }

    public static String experiment(String experiment) {
        return "saesplit/" + experiment;
    }

    /**
     * A run that stops at the narrow SAE: an id of its own, so it neither attaches to nor is attached to by a full
     * run of the same experiment (which reuses its narrow SAE through the content-addressed store).
     */
    public static String narrow(String experiment) {
        return "saesplit/" + experiment + "/narrow";
    }

    public static String run(String experiment, String runId) {
        return "saesplit/" + experiment + "/run-" + runId;
    }
}
