package dev.saesplit.track;

/**
 * A saesplit run with something to deliver.
 *
 * @param experimentId the experiment's database id
 * @param experiment   the experiment's name
 * @param runId        the run-table row, or empty for the experiment's parent run
 */
record PendingRun(long experimentId, String experiment, String runId) {

    boolean isParent() {
        return runId.isEmpty();
    }

    PendingRun parent() {
        return new PendingRun(experimentId, experiment, "");
    }

    String describe() {
        return isParent() ? "experiment " + experiment : "run " + runId + " of " + experiment;
    }
}
