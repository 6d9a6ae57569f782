package dev.saesplit.train;

import dev.saesplit.data.BatchCursor;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.sae.safetensors.NamedTensor;
import java.util.List;
import java.util.Map;

/**
 * Everything a checkpoint holds, on the host: enough to continue bit for bit. The trainer hands one to
 * {@link CheckpointStore#write} and gets the same fields back from {@link CheckpointStore#read}.
 *
 * @param trySparseNext whether the next step starts on the sparse path (false after a step that fired too densely
 *                      for it): the path decides the step's rounding, so a resumed run must take the same one
 * @param architectureState scalars the architecture's training carries from step to step (BatchTopK's
 *                      {@code topk_threshold}), by name; empty for most
 */
record TrainerSnapshot(
        SaeWeights weights,
        List<NamedTensor> adamMoments,
        long adamUpdates,
        FiringTracker.FiringState firing,
        long step,
        long tokensSeen,
        long randomState,
        BatchCursor cursor,
        int batchSize,
        boolean trySparseNext,
        Map<String, Double> architectureState) {

    TrainerSnapshot {
        architectureState = Map.copyOf(architectureState);
    }
}
