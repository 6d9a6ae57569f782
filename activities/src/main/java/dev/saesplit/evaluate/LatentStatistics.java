package dev.saesplit.evaluate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.saesplit.sae.SparseAutoencoder;

/**
 * Per wide latent of a split evaluation: how often it fires, how often together with the target, how strongly;
 * and the target's own firing.
 */
final class LatentStatistics implements HeldOutPass.Visitor {

    private final float threshold;
    private final float[] levels;
    private final long[] fired;
    private final long[] firedWithTarget;
    private final double[] activationSum;
    private final float[] activationMax;
    private long tokens;
    private long targetTokens;
    private double targetActivationSum;

    /** Counts a wide latent as firing wherever it is positive. */
    LatentStatistics(int dSae, float threshold) {
        this(threshold, new float[dSae]);
    }

    /**
     * @param threshold the target fires on a token when its activation exceeds this
     * @param levels    per wide latent, the activation it must exceed to count as firing
     */
    LatentStatistics(float threshold, float[] levels) {
        int dSae = levels.length;
        this.threshold = threshold;
        this.levels = levels.clone();
        fired = new long[dSae];
        firedWithTarget = new long[dSae];
        activationSum = new double[dSae];
        activationMax = new float[dSae];
    }

    @Override
    public void block(NDArray x, float[] target, NDArray latents, SparseAutoencoder wide) {
        int rows = target.length;
        float[] targetMask = HeldOutPass.targetMask(target, threshold);
        for (int i = 0; i < rows; i++) {
            targetTokens += (long) targetMask[i];
            targetActivationSum += targetMask[i] * target[i];
        }
        tokens += rows;
        NDArray firing = latents.gt(x.getManager().create(levels, new Shape(1, levels.length)))
                .toType(DataType.FLOAT32, false);
        NDArray mask = x.getManager().create(targetMask, new Shape(1, rows));
        addTo(fired, firing.sum(new int[] {0}).toFloatArray());
        addTo(firedWithTarget, mask.matMul(firing).toFloatArray());
        float[] sums = latents.mul(firing).sum(new int[] {0}).toFloatArray();
        float[] maxima = latents.max(new int[] {0}).toFloatArray();
        for (int j = 0; j < sums.length; j++) {
            activationSum[j] += sums[j];
            activationMax[j] = Math.max(activationMax[j], maxima[j]);
        }
    }

    static void addTo(long[] counts, float[] add) {
        for (int j = 0; j < counts.length; j++) {
            counts[j] += Math.round(add[j]);
        }
    }

    long tokens() {
        return tokens;
    }

    long targetTokens() {
        return targetTokens;
    }

    /** The target's mean activation where it fires above the threshold; 0 when it never does. */
    double meanTargetActivation() {
        return targetTokens == 0 ? 0 : targetActivationSum / targetTokens;
    }

    long fired(int latent) {
        return fired[latent];
    }

    long firedWithTarget(int latent) {
        return firedWithTarget[latent];
    }

    int dSae() {
        return fired.length;
    }

    /** P(target fires | latent fires); 0 for a latent that never fires. */
    double specificity(int latent) {
        return fired[latent] == 0 ? 0 : (double) firedWithTarget[latent] / fired[latent];
    }

    /** P(latent fires | target fires); 0 when the target never fires. */
    double recall(int latent) {
        return targetTokens == 0 ? 0 : (double) firedWithTarget[latent] / targetTokens;
    }

    double frequency(int latent) {
        return tokens == 0 ? 0 : (double) fired[latent] / tokens;
    }

    /** Mean activation where the latent fires. */
    double meanActivation(int latent) {
        return fired[latent] == 0 ? 0 : activationSum[latent] / fired[latent];
    }

    double maxActivation(int latent) {
        return activationMax[latent];
    }
}
