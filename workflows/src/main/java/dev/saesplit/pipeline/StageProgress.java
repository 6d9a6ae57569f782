package dev.saesplit.pipeline;

/**
 * What a workflow is doing now, for {@code progress()} queries.
 *
 * @param stage    the current stage, in words ({@code "train"}, {@code "evaluate"}, ...)
 * @param training the training stage's progress, or {@link TrainingProgress#NONE} outside it
 * @param done     whether the workflow has finished
 */
public record StageProgress(String stage, TrainingProgress training, boolean done) {
}
