package dev.saesplit.evaluate;

import ai.djl.ndarray.NDArray;
import dev.saesplit.sae.SparseAutoencoder;

import java.util.ArrayList;
import java.util.List;

/**
 * What the ground-truth features did on the held-out tokens, beside the target: per feature, how often it fired
 * and how often the target fired with it. The features whose tokens the target covers are the ones it can split
 * into: a narrow latent that lost a child to a neighbouring latent never fires there, and one that merged two
 * unrelated features fires on both.
 */
final class GroundTruthFiring implements HeldOutPass.Visitor {

    /** A feature seen on fewer held-out tokens than this says too little about the target to be one of its own. */
    static final int MIN_TOKENS = 10;

    private final HeldOutTruth truth;
    private final float threshold;
    private final long[] featureTokens;
    private final long[] featureTokensWithTarget;
    private long rowsSeen;

    /** @param threshold the target fires on a token when its activation exceeds this */
    GroundTruthFiring(HeldOutTruth truth, float threshold) {
        this.truth = truth;
        this.threshold = threshold;
        int features = truth.truth().config().features();
        featureTokens = new long[features];
        featureTokensWithTarget = new long[features];
    }

    @Override
    public void block(NDArray x, float[] target, NDArray latents, SparseAutoencoder wide) {
        int[][] active = truth.activity().read(truth.firstRow() + rowsSeen, target.length);
        for (int i = 0; i < target.length; i++) {
            boolean fires = target[i] > threshold;
            for (int feature : active[i]) {
                featureTokens[feature]++;
                featureTokensWithTarget[feature] += fires ? 1 : 0;
            }
        }
        rowsSeen += target.length;
    }

    /** Held-out tokens on which {@code feature} fired. */
    long tokens(int feature) {
        return featureTokens[feature];
    }

    /** P(target fires | feature fires) on the held-out tokens; 0 for a feature that never fired there. */
    double targetCoverage(int feature) {
        return featureTokens[feature] == 0 ? 0 : (double) featureTokensWithTarget[feature] / featureTokens[feature];
    }

    /**
     * The target's own features: the finest ones (children and independent features; a parent is refined by its
     * children), fired on at least {@link #MIN_TOKENS} held-out tokens, on at least {@code minCoverage} of which
     * the target fires too.
     */
    List<Integer> ownFeatures(double minCoverage) {
        List<Integer> own = new ArrayList<>();
        for (int f = 0; f < featureTokens.length; f++) {
            if (!truth.truth().isParent(f) && featureTokens[f] >= MIN_TOKENS && targetCoverage(f) >= minCoverage) {
                own.add(f);
            }
        }
        return own;
    }
}
