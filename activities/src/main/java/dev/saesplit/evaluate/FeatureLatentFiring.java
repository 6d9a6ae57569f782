package dev.saesplit.evaluate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.saesplit.sae.SparseAutoencoder;

/**
 * How often each wide latent fired together with each of a few ground-truth features on the held-out tokens: a
 * latent has learned a feature only if it fires where the feature does. Counted for the target's own features
 * only, after they are known, so memory stays small whatever the number of features.
 */
final class FeatureLatentFiring implements HeldOutPass.Visitor {

    private final HeldOutTruth truth;
    private final int[] features;
    private final float[] levels;
    private final long[][] together;
    private long rowsSeen;

    /**
     * @param features the features to follow
     * @param levels   per wide latent, the activation it must exceed to count as firing
     */
    FeatureLatentFiring(HeldOutTruth truth, int[] features, float[] levels) {
        this.truth = truth;
        this.features = features.clone();
        this.levels = levels.clone();
        this.together = new long[features.length][levels.length];
    }

    @Override
    public void block(NDArray x, float[] target, NDArray latents, SparseAutoencoder wide) {
        int rows = target.length;
        int k = features.length;
        int[][] active = truth.activity().read(truth.firstRow() + rowsSeen, rows);
        rowsSeen += rows;
        if (k == 0) {
            return;
        }
        float[] oneHot = new float[rows * k];
        for (int i = 0; i < rows; i++) {
            for (int feature : active[i]) {
                for (int c = 0; c < k; c++) {
                    if (features[c] == feature) {
                        oneHot[i * k + c] = 1f;
                    }
                }
            }
        }
        NDManager manager = x.getManager();
        NDArray firing = latents.gt(manager.create(levels, new Shape(1, levels.length))).toType(DataType.FLOAT32,
                false);
        float[] pairs = manager.create(oneHot, new Shape(rows, k)).transpose().matMul(firing).toFloatArray();
        for (int c = 0; c < k; c++) {
            for (int j = 0; j < levels.length; j++) {
                together[c][j] += Math.round(pairs[c * levels.length + j]);
            }
        }
    }

    /**
     * P(feature fires | wide latent fires), given how often the latent fired at these levels (counted in another
     * pass over the same rows); 0 for a latent that never fires.
     */
    double precision(int feature, int latent, long latentFired) {
        for (int c = 0; c < features.length; c++) {
            if (features[c] == feature) {
                return latentFired == 0 ? 0 : (double) together[c][latent] / latentFired;
            }
        }
        throw new IllegalArgumentException("feature " + feature + " is not followed");
    }
}
