package dev.saesplit.init;

import ai.djl.ndarray.types.DataType;
import dev.saesplit.data.ActivationSource;
import dev.saesplit.sae.EncodedRows;
import dev.saesplit.sae.SaeWeights;

/**
 * How often each latent of an SAE fires on activations, in SAELens's {@code sparsity.safetensors} form:
 * log10(fraction of tokens where the latent is > 0, + 1e-10). For an imported SAE that came without the file.
 */
final class FiringFrequencies {

    /** A few million tokens pin a frequency of 1e-5 to within a few percent; more only costs time. */
    static final long MAX_TOKENS = 4L << 20;
    private static final int BLOCK = 4096;
    private static final double FLOOR = 1e-10;

    private FiringFrequencies() {
    }

    /** The log10 firing frequencies of {@code weights}' latents over the first {@link #MAX_TOKENS} rows of {@code data}. */
    static float[] log10(SaeWeights weights, ActivationSource data) {
        long tokens = Math.min(data.tokens(), MAX_TOKENS);
        long[] fires = new long[weights.dSae()];
        EncodedRows.scan(data, weights, tokens, BLOCK, (start, latents) -> {
            long[] counts = latents.gt(0f).sum(new int[] {0}).toType(DataType.INT64, false).toLongArray();
            for (int j = 0; j < counts.length; j++) {
                fires[j] += counts[j];
            }
        });
        float[] log10 = new float[fires.length];
        for (int j = 0; j < fires.length; j++) {
            log10[j] = (float) Math.log10((tokens == 0 ? 0 : (double) fires[j] / tokens) + FLOOR);
        }
        return log10;
    }
}
