package dev.saesplit.evaluate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.saesplit.data.ActivationSource;
import dev.saesplit.sae.ComputeDevice;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.sae.SparseAutoencoder;

import java.util.Arrays;

/**
 * One sequential pass over held-out activations, encoding each block with both SAEs through their own
 * architectures: the narrow SAE's target latent and the wide SAE's latents, token by token.
 * Public so the interpretation step reads latents exactly as the evaluator does (gating included).
 */
public final class HeldOutPass {

    static final int BLOCK = 1024;

    /** What a pass hands over per block, in row order; arrays belong to the block and are freed after the call. */
    public interface Visitor {
        /**
         * @param x       activations {@code [rows, dIn]}
         * @param target  the narrow target latent's activation per row
         * @param latents the wide SAE's latents {@code [rows, dSae]}
         * @param wide    the wide SAE, for decoding
         */
        void block(NDArray x, float[] target, NDArray latents, SparseAutoencoder wide);
    }

    private HeldOutPass() {
    }

    /**
     * How a wide SAE trained on filtered data is read: only where the target fires above {@code threshold}, the
     * only tokens it was trained for; elsewhere its latents are taken as zero. Read on other tokens as they are,
     * such an SAE (which keeps the target's typical token in its decoder bias) fires almost everywhere, and read
     * with the target's mean contribution added, a child fires wherever that contribution carries its direction.
     */
    public record TargetTokensOnly(double threshold) {
    }

    /** Runs every visitor over every block, in row order. */
    public static void run(ActivationSource heldOut, SaeWeights narrow, int targetLatent, SaeWeights wide,
                    Visitor... visitors) {
        run(heldOut, narrow, targetLatent, wide, null, visitors);
    }

    /**
     * Runs every visitor over every block, in row order; with {@code only} (else null) the wide SAE's latents are
     * zero where the target is quiet.
     */
    public static void run(ActivationSource heldOut, SaeWeights narrow, int targetLatent, SaeWeights wide,
                    TargetTokensOnly only, Visitor... visitors) {
        int dIn = heldOut.dIn();
        float[] rows = new float[BLOCK * dIn];
        NDIndex targetColumn = new NDIndex(":, {}", targetLatent);
        try (NDManager manager = ComputeDevice.newManager(ComputeDevice.selected());
             SparseAutoencoder narrowSae = SparseAutoencoder.upload(narrow, manager);
             SparseAutoencoder wideSae = SparseAutoencoder.upload(wide, manager)) {
            for (long start = 0; start < heldOut.tokens(); start += BLOCK) {
                int count = (int) Math.min(BLOCK, heldOut.tokens() - start);
                heldOut.read(start, count, rows, 0);
                try (NDManager block = manager.newSubManager()) {
                    NDArray x = block.create(count == BLOCK ? rows : Arrays.copyOf(rows, count * dIn),
                            new Shape(count, dIn));
                    float[] target = narrowSae.encode(x).get(targetColumn).toFloatArray();
                    NDArray latents = wideSae.encode(x);
                    if (only != null) {
                        latents = latents.mul(firing(block, target, only.threshold()));
                    }
                    for (Visitor visitor : visitors) {
                        visitor.block(x, target, latents, wideSae);
                    }
                }
            }
        }
    }

    /** {@code [rows, 1]}: 1 where the target fires above {@code threshold}, else 0. */
    private static NDArray firing(NDManager manager, float[] target, double threshold) {
        return manager.create(targetMask(target, threshold), new Shape(target.length, 1));
    }

    /** Per row, 1 where the target fires above {@code threshold}, else 0. */
    static float[] targetMask(float[] target, double threshold) {
        float[] mask = new float[target.length];
        for (int i = 0; i < target.length; i++) {
            mask[i] = target[i] > threshold ? 1f : 0f;
        }
        return mask;
    }
}
