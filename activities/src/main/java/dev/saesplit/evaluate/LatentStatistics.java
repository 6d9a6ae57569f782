package dev.saesplit.evaluate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.saesplit.sae.SparseAutoencoder;

/**
 * The first pass of a split evaluation: per wide latent, how often it fires, how often together with the target,
 * how strongly; and the wide SAE's reconstruction on all held-out tokens and on the target's tokens.
 */
final class LatentStatistics implements HeldOutPass.Visitor {

    private final float threshold;
    private final float[] levels;
    private final long[] fired;
    private final long[] firedWithTarget;
    private final double[] activationSum;
    private final float[] activationMax;
    private final Reconstruction all;
    private final Reconstruction onTarget;
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
        all = new Reconstruction(dSae);
        onTarget = new Reconstruction(dSae);
    }

    @Override
    public void block(NDArray x, float[] target, NDArray latents, SparseAutoencoder wide) {
        int rows = target.length;
        float[] targetMask = new float[rows];
        for (int i = 0; i < rows; i++) {
            targetMask[i] = target[i] > threshold ? 1f : 0f;
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
        NDArray error = x.sub(wide.decode(latents)).square().sum(new int[] {1});
        all.add(x.getManager().ones(new Shape(1, rows)), x, error, firing);
        onTarget.add(mask, x, error, firing);
    }

    private static void addTo(long[] counts, float[] add) {
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

    ReconstructionSummary reconstructionOnAll() {
        return all.summary();
    }

    ReconstructionSummary reconstructionOnTarget() {
        return onTarget.summary();
    }

    /**
     * Reconstruction sums over a masked set of rows. Explained variance is against the rows' own mean, from the
     * sums of squared norms and of rows, so one pass suffices: Σ‖x − x̄‖² = Σ‖x‖² − n‖x̄‖².
     */
    private static final class Reconstruction {
        private final long[] fired;
        private double squaredError;
        private double squaredNorm;
        private double[] rowSum;
        private long rows;

        Reconstruction(int dSae) {
            fired = new long[dSae];
        }

        /** Adds the rows where {@code mask [1, rows]} is 1. */
        void add(NDArray mask, NDArray x, NDArray squaredErrors, NDArray firing) {
            rows += Math.round(mask.sum().getFloat());
            squaredError += mask.matMul(squaredErrors.reshape(-1, 1)).getFloat();
            squaredNorm += mask.matMul(x.square().sum(new int[] {1}).reshape(-1, 1)).getFloat();
            float[] sum = mask.matMul(x).toFloatArray();
            if (rowSum == null) {
                rowSum = new double[sum.length];
            }
            for (int k = 0; k < sum.length; k++) {
                rowSum[k] += sum[k];
            }
            addTo(fired, mask.matMul(firing).toFloatArray());
        }

        ReconstructionSummary summary() {
            if (rows == 0) {
                return new ReconstructionSummary(0, 0, 0, 0, 1);
            }
            long dead = 0;
            double active = 0;
            for (long f : fired) {
                dead += f == 0 ? 1 : 0;
                active += f;
            }
            double meanNorm = 0;
            for (double v : rowSum) {
                meanNorm += (v / rows) * (v / rows);
            }
            double deviation = squaredNorm - rows * meanNorm;
            return new ReconstructionSummary(rows, squaredError / rows,
                    deviation <= 0 ? 0 : 1 - squaredError / deviation, active / rows, (double) dead / fired.length);
        }
    }
}
