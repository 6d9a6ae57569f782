package dev.saesplit.evaluate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.saesplit.sae.SparseAutoencoder;

/**
 * Mean held-out tokens: where the target is quiet, and, per wide latent, where the target fires and that latent
 * does not. The difference moves an off-target token to a typical target token without that latent's feature.
 */
final class TargetMeans implements HeldOutPass.Visitor {

    private final float threshold;
    private final float[] levels;
    private final double[] onSum;
    private final double[] offSum;
    /** Per wide latent, the sum of the target's tokens where it fires, row-major {@code [dSae, dIn]}. */
    private final double[] firingSum;
    private final long[] firingCount;
    private long on;
    private long off;

    /** @param levels per wide latent, the activation it must exceed to count as firing */
    TargetMeans(float threshold, int dIn, float[] levels) {
        this.threshold = threshold;
        this.levels = levels.clone();
        this.onSum = new double[dIn];
        this.offSum = new double[dIn];
        this.firingSum = new double[Math.multiplyExact(levels.length, dIn)];
        this.firingCount = new long[levels.length];
    }

    @Override
    public void block(NDArray x, float[] target, NDArray latents, SparseAutoencoder wide) {
        int rows = target.length;
        int d = onSum.length;
        float[] values = x.toFloatArray();
        float[] onMask = new float[rows];
        for (int i = 0; i < rows; i++) {
            boolean fires = target[i] > threshold;
            onMask[i] = fires ? 1f : 0f;
            double[] sum = fires ? onSum : offSum;
            for (int c = 0; c < d; c++) {
                sum[c] += values[i * d + c];
            }
            on += fires ? 1 : 0;
            off += fires ? 0 : 1;
        }
        NDManager manager = x.getManager();
        NDArray firing = latents.gt(manager.create(levels, new Shape(1, levels.length))).toType(DataType.FLOAT32, false)
                .mul(manager.create(onMask, new Shape(rows, 1)));
        float[] sums = firing.transpose().matMul(x).toFloatArray();
        float[] counts = firing.sum(new int[] {0}).toFloatArray();
        for (int j = 0; j < levels.length; j++) {
            firingCount[j] += Math.round(counts[j]);
            for (int c = 0; c < d; c++) {
                firingSum[j * d + c] += sums[j * d + c];
            }
        }
    }

    /** The mean held-out token where the target is quiet; 0 where there is none. */
    float[] quietMean() {
        float[] mean = new float[offSum.length];
        for (int c = 0; off > 0 && c < mean.length; c++) {
            mean[c] = (float) (offSum[c] / off);
        }
        return mean;
    }

    /**
     * The mean target token where {@code latent} does not fire, less the mean other token; 0 where either set is
     * empty.
     */
    float[] offsetWithout(int latent) {
        int d = onSum.length;
        float[] offset = new float[d];
        long without = on - firingCount[latent];
        if (without == 0 || off == 0) {
            return offset;
        }
        for (int c = 0; c < d; c++) {
            offset[c] = (float) ((onSum[c] - firingSum[latent * d + c]) / without - offSum[c] / off);
        }
        return offset;
    }
}
