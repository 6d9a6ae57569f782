package dev.saesplit.train;

/**
 * Where a training run reports: metrics every {@code logEvery} steps, and each checkpoint once it is complete
 * on disk (a workflow heartbeats the latter so a retried activity can resume from it). Called on the training
 * thread; slow listeners slow training.
 */
public interface TrainingListener {

    TrainingListener NONE = new TrainingListener() {
    };

    default void onMetrics(TrainingMetrics metrics) {
    }

    default void onCheckpoint(CheckpointInfo checkpoint) {
    }

    /** Resampling rounds that changed at least one latent. */
    default void onResample(long step, int latents) {
    }
}
