package dev.saesplit.evaluate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.saesplit.data.synthetic.HierarchyParent;
import dev.saesplit.sae.SparseAutoencoder;

import java.util.HashMap;
import java.util.Map;

/**
 * What the ground-truth children did on the held-out tokens, beside the target and the wide latents: per child,
 * how often it fired, how often the target fired with it (the children whose tokens the target covers are the
 * ones it can split into: a narrow latent that lost a child to a neighbouring latent never fires there), and how
 * often each wide latent fired with it (a latent has learned a child only if it fires where the child does).
 */
final class GroundTruthFiring implements HeldOutPass.Visitor {

    private final HeldOutTruth truth;
    private final float threshold;
    private final float[] levels;
    private final Map<Integer, Integer> childIndex = new HashMap<>();
    private final long[] childTokens;
    private final long[] childTokensWithTarget;
    private final long[][] together;
    private long rowsSeen;

    /**
     * @param threshold the target fires on a token when its activation exceeds this
     * @param levels    per wide latent, the activation it must exceed to count as firing
     */
    GroundTruthFiring(HeldOutTruth truth, float threshold, float[] levels) {
        this.truth = truth;
        this.threshold = threshold;
        this.levels = levels.clone();
        for (HierarchyParent parent : truth.truth().parents()) {
            for (int child : parent.children()) {
                childIndex.put(child, childIndex.size());
            }
        }
        childTokens = new long[childIndex.size()];
        childTokensWithTarget = new long[childIndex.size()];
        together = new long[childIndex.size()][levels.length];
    }

    @Override
    public void block(NDArray x, float[] target, NDArray latents, SparseAutoencoder wide) {
        int rows = target.length;
        int parents = truth.labels().parents();
        int children = childTokens.length;
        int[] labels = new int[rows * parents];
        truth.labels().read(truth.firstRow() + rowsSeen, rows, labels, 0);
        float[] oneHot = new float[rows * children];
        for (int i = 0; i < rows; i++) {
            boolean fires = target[i] > threshold;
            for (int p = 0; p < parents; p++) {
                int child = labels[i * parents + p];
                if (child >= 0) {
                    int c = childIndex.get(child);
                    oneHot[i * children + c] = 1f;
                    childTokens[c]++;
                    childTokensWithTarget[c] += fires ? 1 : 0;
                }
            }
        }
        rowsSeen += rows;
        NDManager manager = x.getManager();
        NDArray firing = latents.gt(manager.create(levels, new Shape(1, levels.length))).toType(DataType.FLOAT32,
                false);
        float[] pairs = manager.create(oneHot, new Shape(rows, children)).transpose().matMul(firing).toFloatArray();
        for (int c = 0; c < children; c++) {
            for (int j = 0; j < levels.length; j++) {
                together[c][j] += Math.round(pairs[c * levels.length + j]);
            }
        }
    }

    /** Held-out tokens on which {@code child} fired. */
    long tokens(int child) {
        return childTokens[childIndex.get(child)];
    }

    /** P(target fires | child fires) on the held-out tokens; 0 for a child that never fired there. */
    double targetCoverage(int child) {
        int c = childIndex.get(child);
        return childTokens[c] == 0 ? 0 : (double) childTokensWithTarget[c] / childTokens[c];
    }

    /**
     * P(child fires | wide latent fires), given how often the latent fired at these levels (the statistics read
     * beside this in the same pass); 0 for a latent that never fires.
     */
    double childPrecision(int child, int latent, long latentFired) {
        return latentFired == 0 ? 0 : (double) together[childIndex.get(child)][latent] / latentFired;
    }
}
