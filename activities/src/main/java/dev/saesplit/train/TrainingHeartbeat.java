package dev.saesplit.train;

import dev.saesplit.pipeline.TrainingProgress;

/**
 * What a training activity heartbeats: enough for a retried attempt, on any worker that sees the same
 * storage, to continue from the last complete checkpoint; and how far the training is, for progress lines.
 * Heartbeat details live in the server's state of the pending activity, not in the workflow's history, so a
 * training may report as often as it likes without growing the history toward Temporal's event limit.
 *
 * @param step       the checkpoint's step; 0 before the first checkpoint
 * @param checkpoint the checkpoint's directory; empty before the first checkpoint
 * @param progress   the latest progress report; {@link TrainingProgress#NONE} before the first (and null in
 *                   details heartbeated by versions that did not carry it)
 */
public record TrainingHeartbeat(long step, String checkpoint, TrainingProgress progress) {

    public static final TrainingHeartbeat NONE = new TrainingHeartbeat(0, "", TrainingProgress.NONE);

    public TrainingHeartbeat(long step, String checkpoint) {
        this(step, checkpoint, TrainingProgress.NONE);
    }

    TrainingHeartbeat withProgress(TrainingProgress latest) {
        return new TrainingHeartbeat(step, checkpoint, latest);
    }

    TrainingHeartbeat withCheckpoint(CheckpointInfo saved) {
        return new TrainingHeartbeat(saved.step(), saved.directory().toString(), progress);
    }
}
