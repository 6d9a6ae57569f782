package dev.saesplit.evaluate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.saesplit.sae.SparseAutoencoder;

/**
 * The wide SAE's reconstruction of the held-out tokens as they are, on all of them and on the target's: MSE,
 * explained variance, L0 and dead latents, a latent counting as firing wherever it is positive.
 */
final class ReconstructionStatistics implements HeldOutPass.Visitor {

    private final float threshold;
    private final Reconstruction all;
    private final Reconstruction onTarget;

    /** @param threshold the target fires on a token when its activation exceeds this */
    ReconstructionStatistics(int dSae, float threshold) {
        this.threshold = threshold;
        all = new Reconstruction(dSae);
        onTarget = new Reconstruction(dSae);
    }

    @Override
    public void block(NDArray x, float[] target, NDArray latents, SparseAutoencoder wide) {
        int rows = target.length;
        float[] targetMask = HeldOutPass.targetMask(target, threshold);
        NDArray firing = latents.gt(0).toType(DataType.FLOAT32, false);
        NDArray error = x.sub(wide.decode(latents)).square().sum(new int[] {1});
        all.add(x.getManager().ones(new Shape(1, rows)), x, error, firing);
        onTarget.add(x.getManager().create(targetMask, new Shape(1, rows)), x, error, firing);
    }

    ReconstructionSummary onAll() {
        return all.summary();
    }

    ReconstructionSummary onTarget() {
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
            LatentStatistics.addTo(fired, mask.matMul(firing).toFloatArray());
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
