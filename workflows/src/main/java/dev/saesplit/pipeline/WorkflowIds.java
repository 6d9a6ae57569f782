package dev.saesplit.pipeline;

/** Workflow ids derive from names alone, so launching twice finds the same execution. */
public final class WorkflowIds {

    private WorkflowIds() {
    }

    public static String experiment(String experiment) {
        return "saesplit/" + experiment;
    }

    public static String run(String experiment, String runId) {
        return "saesplit/" + experiment + "/run-" + runId;
    }
}
