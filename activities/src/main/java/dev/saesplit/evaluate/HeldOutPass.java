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
 */
final class HeldOutPass {

    static final int BLOCK = 1024;

    /** What a pass hands over per block; arrays belong to the block and are freed after the call. */
    interface Visitor {
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

    static void run(ActivationSource heldOut, SaeWeights narrow, int targetLatent, SaeWeights wide, Visitor visitor) {
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
                    NDArray x = block.create(count == BLOCK ? rows : Arrays.copyOf(rows, count * dIn), new Shape(count, dIn));
                    float[] target = narrowSae.encode(x).get(targetColumn).toFloatArray();
                    visitor.block(x, target, wideSae.encode(x), wideSae);
                }
            }
        }
    }
}
