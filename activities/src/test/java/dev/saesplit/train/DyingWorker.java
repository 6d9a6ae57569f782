package dev.saesplit.train;

import java.util.concurrent.atomic.AtomicReference;

/** A training listener standing for a worker that dies right after it completes a given checkpoint. */
final class DyingWorker {

    static final String DEATH = "the worker died";

    private DyingWorker() {
    }

    /** Dies after checkpoint {@code step}, leaving that checkpoint in {@code diedAfter}. */
    static TrainingListener afterCheckpoint(long step, AtomicReference<CheckpointInfo> diedAfter) {
        return new TrainingListener() {
            @Override
            public void onCheckpoint(CheckpointInfo checkpoint) {
                if (checkpoint.step() == step) {
                    diedAfter.set(checkpoint);
                    throw new IllegalStateException(DEATH);
                }
            }
        };
    }
}
