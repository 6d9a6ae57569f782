package dev.saesplit.train;

/**
 * What a training activity heartbeats: enough for a retried attempt, on any worker that sees the same
 * storage, to continue from the last complete checkpoint.
 *
 * @param step       the checkpoint's step; 0 before the first checkpoint
 * @param checkpoint the checkpoint's directory; empty before the first checkpoint
 */
public record TrainingHeartbeat(long step, String checkpoint) {

    public static final TrainingHeartbeat NONE = new TrainingHeartbeat(0, "");
}
