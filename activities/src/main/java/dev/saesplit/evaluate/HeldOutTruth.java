package dev.saesplit.evaluate;

import dev.saesplit.data.HeldOutSplit;
import dev.saesplit.data.synthetic.FeatureActivity;
import dev.saesplit.data.synthetic.GroundTruth;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A synthetic source's ground truth, with which features fired on each held-out token, so the exact verdict can
 * ask which features' tokens the target covers.
 *
 * @param activity the features that fired on every row of the source
 * @param firstRow the source row of the first held-out row
 */
record HeldOutTruth(FeatureActivity activity, long firstRow) {

    /** The ground truth written beside the activations in {@code directory}, if the source has one. */
    static Optional<HeldOutTruth> beside(Path directory, long totalRows) {
        if (!Files.exists(directory.resolve("ground_truth.json"))) {
            return Optional.empty();
        }
        return Optional.of(of(directory, HeldOutSplit.trainingRows(totalRows)));
    }

    /** The ground truth of the source in {@code directory} whose held-out rows start at {@code firstRow}. */
    static HeldOutTruth of(Path directory, long firstRow) {
        return new HeldOutTruth(FeatureActivity.open(directory, GroundTruth.load(directory)), firstRow);
    }

    GroundTruth truth() {
        return activity.truth();
    }
}
