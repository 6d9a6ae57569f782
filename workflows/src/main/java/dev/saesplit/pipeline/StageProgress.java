package dev.saesplit.pipeline;

/**
 * What a workflow is doing now, for {@code progress()} queries.
 *
 * @param stage    the current stage, in words ({@code "train"}, {@code "evaluate"}, ...)
 * @param training the training stage's progress, or {@link TrainingProgress#NONE} outside it. Workflows always
 *                 answer NONE: training progress travels in the training activity's heartbeat details, never in
 *                 workflow history, and readers fill it in from there
 * @param done     whether the workflow has finished
 */
public record StageProgress(String stage, TrainingProgress training, boolean done) {
}
