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
    private final long[] withAnyFeature;
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
        this.withAnyFeature = new long[levels.length];
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
        float[] any = new float[rows];
        for (int i = 0; i < rows; i++) {
            for (int feature : active[i]) {
                for (int c = 0; c < k; c++) {
                    if (features[c] == feature) {
                        oneHot[i * k + c] = 1f;
                        any[i] = 1f;
                    }
                }
            }
        }
        NDManager manager = x.getManager();
        NDArray firing = latents.gt(manager.create(levels, new Shape(1, levels.length))).toType(DataType.FLOAT32,
                false);
        float[] pairs = manager.create(oneHot, new Shape(rows, k)).transpose().matMul(firing).toFloatArray();
        LatentStatistics.addTo(withAnyFeature, manager.create(any, new Shape(1, rows)).matMul(firing).toFloatArray());
        for (int c = 0; c < k; c++) {
            for (int j = 0; j < levels.length; j++) {
                together[c][j] += Math.round(pairs[c * levels.length + j]);
            }
        }
    }

    /**
     * P(feature fires | wide latent fires where one of the followed features does): how well the latent tells the
     * feature from the others followed, leaving out tokens where none of them fires (where a latent for parent +
     * child fires weakly on the parent alone, say); 0 for a latent that never fires with any of them.
     */
    double precisionAmongFollowed(int feature, int latent) {
        for (int c = 0; c < features.length; c++) {
            if (features[c] == feature) {
                return withAnyFeature[latent] == 0 ? 0 : (double) together[c][latent] / withAnyFeature[latent];
            }
        }
        throw new IllegalArgumentException("feature " + feature + " is not followed");
    }
}
