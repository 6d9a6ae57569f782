package dev.saesplit.evaluate;

import dev.saesplit.data.HeldOutSplit;
import dev.saesplit.data.synthetic.ChildLabels;
import dev.saesplit.data.synthetic.GroundTruth;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A synthetic source's ground truth, with the per-token child labels of the held-out rows: which child of each
 * parent fired on each held-out token, so the exact verdict can ask which children's tokens the target covers.
 *
 * @param truth    the hierarchy
 * @param labels   the child labels of every row of the source
 * @param firstRow the source row of the first held-out row
 */
record HeldOutTruth(GroundTruth truth, ChildLabels labels, long firstRow) {

    /** The ground truth written beside the activations in {@code directory}, if the source has one. */
    static Optional<HeldOutTruth> beside(Path directory, long totalRows) {
        if (!Files.exists(directory.resolve("ground_truth.json"))) {
            return Optional.empty();
        }
        return Optional.of(new HeldOutTruth(GroundTruth.load(directory), GroundTruth.openChildLabels(directory),
                HeldOutSplit.trainingRows(totalRows)));
    }
}
