package dev.saesplit.train;

import java.nio.file.Path;

/**
 * A checkpoint as read back: where it lies and the snapshot it holds, with its tensors looked up by name against
 * the file they came from, so a missing or misshapen one is reported in that file.
 */
record StoredCheckpoint(CheckpointInfo info, TrainerSnapshot snapshot) {

    StoredTensors adamMoments() {
        return StoredTensors.of(file(CheckpointStore.OPTIMIZER_FILE), snapshot.adamMoments());
    }

    StoredTensors firingCounters() {
        return StoredTensors.of(file(CheckpointStore.FIRING_FILE), snapshot.firing().tensors());
    }

    private Path file(String name) {
        return info.directory().resolve(name);
    }
}
