package dev.saesplit.evaluate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.saesplit.sae.SparseAutoencoder;

/**
 * How often each wide latent fired together with each of a few ground-truth features on the held-out tokens: a
 * latent has learned a feature only if it fires where the feature does. For a child, also how often the latent
 * fired where the child's parent fired with no child drawn: the bare parent has no child latent to go to, and an
 * SAE whose parent latent gave way to its children (feature absorption, the other way round) puts it on one of
 * them, which is still that child's latent. Counted for the target's own features only, after they are known, so
 * memory stays small whatever the number of features.
 */
final class FeatureLatentFiring implements HeldOutPass.Visitor {

    private final HeldOutTruth truth;
    private final int[] features;
    /** Per followed feature, its parent when it is a child, else -1. */
    private final int[] parents;
    private final float[] levels;
    private final long[][] together;
    private final long[][] parentAlone;
    private final long[] featureTokens;
    private final float readThreshold;
    private long rowsSeen;

    /**
     * @param features the features to follow
     * @param levels   per wide latent, the activation it must exceed to count as firing
     * @param read     the target activation above which the wide SAE was read (its latents are zero elsewhere):
     *                 the threshold for one trained on filtered data, negative infinity for one read everywhere
     */
    FeatureLatentFiring(HeldOutTruth truth, int[] features, float[] levels, float read) {
        this.truth = truth;
        this.features = features.clone();
        this.parents = new int[features.length];
        for (int c = 0; c < features.length; c++) {
            parents[c] = truth.activity().parentOf(features[c]);
        }
        this.levels = levels.clone();
        this.together = new long[features.length][levels.length];
        this.parentAlone = new long[features.length][levels.length];
        this.featureTokens = new long[features.length];
        this.readThreshold = read;
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
                        featureTokens[c] += target[i] > readThreshold ? 1 : 0;
                    }
                }
            }
        }
        // Tokens where a followed child's parent fires with no child of its own drawn.
        float[] alone = new float[rows * k];
        for (int i = 0; i < rows; i++) {
            for (int c = 0; c < k; c++) {
                alone[i * k + c] = parents[c] >= 0 && firesAlone(active[i], parents[c]) ? 1f : 0f;
            }
        }
        NDManager manager = x.getManager();
        NDArray firing = latents.gt(manager.create(levels, new Shape(1, levels.length))).toType(DataType.FLOAT32,
                false);
        float[] pairs = manager.create(oneHot, new Shape(rows, k)).transpose().matMul(firing).toFloatArray();
        float[] alonePairs = manager.create(alone, new Shape(rows, k)).transpose().matMul(firing).toFloatArray();
        for (int c = 0; c < k; c++) {
            for (int j = 0; j < levels.length; j++) {
                together[c][j] += Math.round(pairs[c * levels.length + j]);
                parentAlone[c][j] += Math.round(alonePairs[c * levels.length + j]);
            }
        }
    }

    /** Whether {@code parent} is among the {@code active} features and none of its children is. */
    private boolean firesAlone(int[] active, int parent) {
        boolean parentFires = false;
        for (int feature : active) {
            if (truth.activity().parentOf(feature) == parent) {
                return false;
            }
            parentFires |= feature == parent;
        }
        return parentFires;
    }

    /**
     * P(wide latent fires | feature fires), on the tokens where the wide SAE was read; 0 where the feature never
     * fired there.
     */
    double recall(int feature, int latent) {
        int c = position(feature);
        return featureTokens[c] == 0 ? 0 : (double) together[c][latent] / featureTokens[c];
    }

    /** Tokens where the wide SAE was read and {@code feature} fired. */
    long tokens(int feature) {
        return featureTokens[position(feature)];
    }

    private int position(int feature) {
        for (int c = 0; c < features.length; c++) {
            if (features[c] == feature) {
                return c;
            }
        }
        throw new IllegalArgumentException("feature " + feature + " is not followed");
    }

    /**
     * P(feature fires | wide latent fires), given how often the latent fired at these levels (counted in another
     * pass over the same rows), leaving out, for a child, the tokens where its parent fired alone; 0 for a latent
     * that never fires there.
     */
    double precision(int feature, int latent, long latentFired) {
        int c = position(feature);
        long fired = latentFired - parentAlone[c][latent];
        return fired <= 0 ? 0 : (double) together[c][latent] / fired;
    }
}
