package dev.saesplit.evaluate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.saesplit.sae.SparseAutoencoder;

import java.util.Set;

/**
 * For the exact verdict: the share of the target's activation, summed over its tokens, on tokens where one of the
 * wide latents matched to its own features fires. Tokens where a sibling child the target does not own fires (it
 * fires on only part of that child's tokens) are left out: no split of the target is asked to cover them. Tokens
 * where the parent fires without any child stay in: they are the target's too, and a complete split covers them.
 */
final class OwnSplitCoverage implements HeldOutPass.Visitor {

    private final HeldOutTruth truth;
    private final float threshold;
    private final Set<Integer> notOwned;
    private final int[] latents;
    private final float[] levels;
    private long rowsSeen;
    private double targetActivation;
    private double coveredActivation;

    /**
     * @param notOwned the children of the target's parent that are not its own
     * @param latents  the wide latents matched to its own features
     * @param levels   per wide latent, the activation it must exceed to count as firing
     */
    OwnSplitCoverage(HeldOutTruth truth, float threshold, Set<Integer> notOwned, int[] latents, float[] levels) {
        this.truth = truth;
        this.threshold = threshold;
        this.notOwned = Set.copyOf(notOwned);
        this.latents = latents.clone();
        this.levels = new float[latents.length];
        for (int i = 0; i < latents.length; i++) {
            this.levels[i] = levels[latents[i]];
        }
    }

    @Override
    public void block(NDArray x, float[] target, NDArray wideLatents, SparseAutoencoder wide) {
        int rows = target.length;
        int[][] active = truth.activity().read(truth.firstRow() + rowsSeen, rows);
        rowsSeen += rows;
        NDManager manager = x.getManager();
        float[] fires = latents.length == 0 ? new float[rows] : wideLatents
                .get(new NDIndex(":, {}", manager.create(latents)))
                .gt(manager.create(levels, new Shape(1, levels.length))).toType(DataType.FLOAT32, false)
                .max(new int[] {1}).toFloatArray();
        for (int i = 0; i < rows; i++) {
            if (target[i] <= threshold || anyNotOwned(active[i])) {
                continue;
            }
            targetActivation += target[i];
            coveredActivation += fires[i] > 0 ? target[i] : 0;
        }
    }

    private boolean anyNotOwned(int[] active) {
        for (int feature : active) {
            if (notOwned.contains(feature)) {
                return true;
            }
        }
        return false;
    }

    /** The covered share; 0 when no token counts. */
    double coverage() {
        return targetActivation == 0 ? 0 : coveredActivation / targetActivation;
    }
}
