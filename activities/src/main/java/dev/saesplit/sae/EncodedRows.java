package dev.saesplit.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.saesplit.data.ActivationSource;

import java.util.Arrays;

/** The latents of an SAE over the first rows of an activation source, a block of rows at a time. */
public final class EncodedRows {

    /** What a scan hands over per block, in row order; the array is freed after the call. */
    @FunctionalInterface
    public interface Block {
        /**
         * @param start   the index of the block's first row in the source
         * @param latents the SAE's latents {@code [rows, d_sae]}
         */
        void accept(long start, NDArray latents);
    }

    private EncodedRows() {
    }

    /** Encodes rows {@code [0, min(rows, source.tokens()))} of {@code source} through {@code weights}, in blocks. */
    public static void scan(ActivationSource source, SaeWeights weights, long rows, int blockRows, Block block) {
        int dIn = source.dIn();
        long end = Math.min(source.tokens(), rows);
        float[] buffer = new float[blockRows * dIn];
        try (NDManager manager = ComputeDevice.newManager(ComputeDevice.selected());
             SparseAutoencoder sae = SparseAutoencoder.upload(weights, manager)) {
            for (long start = 0; start < end; start += blockRows) {
                int count = (int) Math.min(blockRows, end - start);
                source.read(start, count, buffer, 0);
                try (NDManager scope = manager.newSubManager()) {
                    NDArray x = scope.create(count == blockRows ? buffer : Arrays.copyOf(buffer, count * dIn),
                            new Shape(count, dIn));
                    block.accept(start, sae.encode(x));
                }
            }
        }
    }
}
