package dev.saesplit.pipeline;

/**
 * What a workflow is doing now, for {@code progress()} queries.
 *
 * @param stage    the current stage, in words: a {@link PipelineStage}'s {@link PipelineStage#display() display}
 *                 ({@code "train"}, {@code "evaluate"}, ...). A string on the wire, so a client and a worker of
 *                 different releases still read each other's answers
 * @param training the training stage's progress, or {@link TrainingProgress#NONE} outside it. Workflows always
 *                 answer NONE: training progress travels in the training activity's heartbeat details, never in
 *                 workflow history, and readers fill it in from there
 * @param done     whether the workflow has finished
 */
public record StageProgress(String stage, TrainingProgress training, boolean done) {

    /** A workflow's answer: it is at {@code stage}, its training progress left to heartbeats. */
    public static StageProgress at(PipelineStage stage, boolean done) {
        return new StageProgress(stage.display(), TrainingProgress.NONE, done);
    }
}
