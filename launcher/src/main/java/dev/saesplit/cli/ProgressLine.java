package dev.saesplit.cli;

/**
 * One line of live progress, as {@code run} and {@code status} show it: a workflow's stage by query, and how far
 * the stage's activity is from its latest heartbeat.
 *
 * @param stage  the workflow's stage ({@code "train"}, {@code "language model"}, ...)
 * @param phase  what the stage's activity does now, where it says ({@code "pass 2"}, {@code "token target"}), or ""
 * @param done   units done in the phase
 * @param total  units in all; 0 when unknown (no bar is drawn)
 * @param unit   what is counted ({@code "steps"}, {@code "tokens"}, {@code "rows"})
 * @param detail what follows the bar: losses, time left, how long the experiment has run; or ""
 */
record ProgressLine(String stage, String phase, long done, long total, String unit, String detail) {

    /** A stage whose activity has reported nothing (yet). */
    static ProgressLine stageOnly(String stage) {
        return new ProgressLine(stage, "", 0, 0, "", "");
    }

    ProgressLine withDetail(String more) {
        if (more.isEmpty()) {
            return this;
        }
        return new ProgressLine(stage, phase, done, total, unit, detail.isEmpty() ? more : detail + "  " + more);
    }
}
