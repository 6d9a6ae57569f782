package dev.saesplit.train;

import dev.saesplit.data.BatchCursor;
import dev.saesplit.sae.SaeWeights;
import java.util.Optional;

/** A checkpoint as read back: the parts a resumed trainer restores. */
record StoredCheckpoint(
        CheckpointInfo info,
        SaeWeights weights,
        StoredTensors adamMoments,
        long adamUpdates,
        StoredTensors firingCounters,
        long firingStepsInWindow,
        Optional<double[]> lastWindowFrequency,
        long step,
        long tokensSeen,
        long randomState,
        BatchCursor cursor,
        int batchSize,
        boolean trySparseNext) {
}
