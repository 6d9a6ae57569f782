package dev.saesplit.evaluate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.saesplit.sae.SparseAutoencoder;

/**
 * The second pass of a split evaluation, over the children found by the first: how much of the target's tokens
 * and of its activation they cover, and how much of it went to latents of other features instead; how often they
 * fire together, how much of the target's contribution they rebuild, and how often they fire where no latent
 * along the target's direction does (absorption).
 */
final class ChildStatistics implements HeldOutPass.Visitor {

    private final float threshold;
    private final int[] children;
    private final int[] aligned;
    private final float[] childLevels;
    private final float[] alignedLevels;
    private final float[] drive;
    private final float[] otherDrive;
    private final float[] targetDecoder;
    private final float biasReading;
    private final long[][] together;
    private long targetTokens;
    private long covered;
    private long absorbed;
    private double targetActivation;
    private double coveredActivation;
    private double elsewhereActivation;
    private double biasActivation;
    private double contributionSquared;
    private double contributionError;

    /**
     * @param children      wide latents counted as children
     * @param aligned       other wide latents along the target's direction
     * @param drive         per wide latent, what one unit of it adds to the target's pre-activation: its decoder
     *                      row read by the target's encoder
     * @param others        per wide latent, whether it is a latent of another feature (not specific to the target)
     * @param targetDecoder the narrow SAE's decoder row of the target
     * @param levels        per wide latent, the activation it must exceed to count as firing
     * @param biasReading   the target's activation on the wide SAE's decoder bias alone: on a token where no child
     *                      fires, this much of the target (at most all of it) is the typical target token that an
     *                      SAE trained on filtered data keeps in its bias; 0 for one trained on all data
     */
    ChildStatistics(float threshold, int[] children, int[] aligned, float[] drive, boolean[] others,
                    float[] targetDecoder, float[] levels, float biasReading) {
        this.threshold = threshold;
        this.children = children.clone();
        this.aligned = aligned.clone();
        this.childLevels = select(levels, children);
        this.alignedLevels = select(levels, aligned);
        this.drive = drive.clone();
        this.otherDrive = new float[drive.length];
        for (int j = 0; j < drive.length; j++) {
            otherDrive[j] = others[j] ? drive[j] : 0f;
        }
        this.targetDecoder = targetDecoder.clone();
        this.biasReading = biasReading;
        this.together = new long[children.length][children.length];
    }

    @Override
    public void block(NDArray x, float[] target, NDArray latents, SparseAutoencoder wide) {
        int rows = target.length;
        int k = children.length;
        NDManager manager = x.getManager();
        NDArray childLatents = latents.get(new NDIndex(":, {}", manager.create(children)));
        float[] childActivations = childLatents.toFloatArray();
        NDArray childFiring = childLatents.gt(manager.create(childLevels, new Shape(1, k)))
                .toType(DataType.FLOAT32, false);
        float[] pairs = childFiring.transpose().matMul(childFiring).toFloatArray();
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) {
                together[a][b] += Math.round(pairs[a * k + b]);
            }
        }
        boolean[] alignedFires = anyFires(latents, aligned, alignedLevels, rows);
        // How much of the target's pre-activation the wide latents drive on each row, in all and from latents of
        // other features: the latents rebuild the row, and the target's encoder reads what they rebuild.
        NDArray zero = manager.create(0f);
        float[] driven = latents.mul(manager.create(drive, new Shape(1, drive.length))).maximum(zero)
                .sum(new int[] {1}).toFloatArray();
        float[] drivenElsewhere = latents.mul(manager.create(otherDrive, new Shape(1, otherDrive.length)))
                .maximum(zero).sum(new int[] {1}).toFloatArray();
        // The children's part of the reconstruction, Σ_j f_j · W_dec[j], per row.
        NDArray childDecoders = wide.decoderWeights().get(new NDIndex("{}, :", manager.create(children)));
        float[] rebuilt = childLatents.matMul(childDecoders).toFloatArray();
        int d = targetDecoder.length;
        for (int i = 0; i < rows; i++) {
            if (target[i] <= threshold) {
                continue;
            }
            targetTokens++;
            boolean anyChild = false;
            for (int a = 0; a < k && !anyChild; a++) {
                anyChild = childActivations[i * k + a] > childLevels[a];
            }
            covered += anyChild ? 1 : 0;
            targetActivation += target[i];
            coveredActivation += anyChild ? target[i] : 0;
            biasActivation += anyChild ? 0 : Math.min(target[i], biasReading);
            if (!anyChild && driven[i] > 0) {
                elsewhereActivation += target[i] * drivenElsewhere[i] / driven[i];
            }
            absorbed += anyChild && !alignedFires[i] ? 1 : 0;
            for (int c = 0; c < d; c++) {
                double contribution = (double) target[i] * targetDecoder[c];
                double error = contribution - rebuilt[i * d + c];
                contributionSquared += contribution * contribution;
                contributionError += error * error;
            }
        }
    }

    private static boolean[] anyFires(NDArray latents, int[] which, float[] levels, int rows) {
        boolean[] fires = new boolean[rows];
        if (which.length == 0) {
            return fires;
        }
        NDManager manager = latents.getManager();
        NDArray selected = latents.get(new NDIndex(":, {}", manager.create(which)));
        float[] above = selected.gt(manager.create(levels, new Shape(1, which.length))).toType(DataType.FLOAT32,
                false).max(new int[] {1}).toFloatArray();
        for (int i = 0; i < rows; i++) {
            fires[i] = above[i] > 0;
        }
        return fires;
    }

    private static float[] select(float[] values, int[] indices) {
        float[] selected = new float[indices.length];
        for (int i = 0; i < indices.length; i++) {
            selected[i] = values[indices[i]];
        }
        return selected;
    }

    double coverage() {
        return targetTokens == 0 ? 0 : (double) covered / targetTokens;
    }

    /** The share of the target's activation, summed over its tokens, on tokens where some child fires. */
    double activationCoverage() {
        return targetActivation == 0 ? 0 : coveredActivation / targetActivation;
    }

    /**
     * The share of the target's activation, on tokens where no child fires, that latents of other features drive:
     * per token, the target's activation times the share of the latents' push on its pre-activation that comes
     * from latents of other features. The target fired there, that far, on another feature, which the wide SAE
     * gives a latent of its own.
     */
    double activationElsewhere() {
        return targetActivation == 0 ? 0 : elsewhereActivation / targetActivation;
    }

    /**
     * The share of the target's activation, less what went to other features' latents, that the children cover,
     * with what the decoder bias carries of it where no child fires.
     */
    double ownActivationCoverage() {
        double own = targetActivation - elsewhereActivation;
        return own <= 0 ? 0 : Math.min(1, (coveredActivation + biasActivation) / own);
    }

    /** The share of the target's activation that the decoder bias carries on tokens where no child fires. */
    double biasCoverage() {
        return targetActivation == 0 ? 0 : biasActivation / targetActivation;
    }

    /** P(child a fires | child b fires), by position in the children. */
    double containment(int a, int b) {
        return together[b][b] == 0 ? 0 : (double) together[a][b] / together[b][b];
    }

    double absorption() {
        return targetTokens == 0 ? 0 : (double) absorbed / targetTokens;
    }

    double contributionExplained() {
        return contributionSquared == 0 ? 0 : 1 - contributionError / contributionSquared;
    }

    /** Jaccard overlap of the firing sets of children {@code a} and {@code b} (by position in the children). */
    double jaccard(int a, int b) {
        long union = together[a][a] + together[b][b] - together[a][b];
        return union == 0 ? 0 : (double) together[a][b] / union;
    }
}
