package dev.saesplit.evaluate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.saesplit.sae.SparseAutoencoder;

/**
 * How often latents of a wide SAE trained on filtered data would fire off the target's tokens, were the target
 * there: each held-out token where the target is quiet is moved, for latent j, by the mean target token where j
 * does not fire less the mean other token, so the SAE sees a typical target token without j's feature, with the
 * token's own features on top. A latent for a feature that occurs everywhere fires there about as often as on the
 * target's tokens; a child, a sub-meaning of the target, fires only where the token itself carries that
 * sub-meaning without the target, which for a child of the target is rare. Moving by the plain difference of means
 * would carry the commonest children into every moved token. Reads at most {@code maxRows} quiet tokens (the first
 * ones), since each candidate costs an encoding of each.
 */
final class OffTargetFiring implements HeldOutPass.Visitor {

    private final float threshold;
    private final int[] candidates;
    private final float[][] offsets;
    private final float[] levels;
    private final long[] fired;
    private final int maxRows;
    private long tokens;

    /**
     * @param candidates the wide latents to measure
     * @param offsets    per candidate, what moves a quiet token
     * @param levels     per wide latent, the activation it must exceed to count as firing
     */
    OffTargetFiring(float threshold, int[] candidates, float[][] offsets, float[] levels, int maxRows) {
        this.threshold = threshold;
        this.candidates = candidates.clone();
        this.offsets = offsets.clone();
        this.levels = levels.clone();
        this.fired = new long[levels.length];
        this.maxRows = maxRows;
    }

    @Override
    public void block(NDArray x, float[] target, NDArray latents, SparseAutoencoder wide) {
        int room = (int) Math.min(Integer.MAX_VALUE, maxRows - tokens);
        int quiet = 0;
        for (int i = 0; i < target.length && quiet < room; i++) {
            quiet += target[i] > threshold ? 0 : 1;
        }
        if (quiet == 0 || candidates.length == 0) {
            return;
        }
        int[] rows = new int[quiet];
        for (int i = 0, r = 0; r < quiet; i++) {
            if (!(target[i] > threshold)) {
                rows[r++] = i;
            }
        }
        NDManager manager = x.getManager();
        NDArray selected = x.get(new NDIndex("{}, :", manager.create(rows)));
        for (int c = 0; c < candidates.length; c++) {
            int j = candidates[c];
            NDArray moved = selected.add(manager.create(offsets[c], new Shape(1, offsets[c].length)));
            NDArray column = wide.encode(moved).get(new NDIndex(":, {}", j));
            fired[j] += column.gt(levels[j]).sum().toType(ai.djl.ndarray.types.DataType.INT64, false).getLong();
        }
        tokens += quiet;
    }

    /** P(latent fires | target quiet, token moved); 0 when no quiet token was read or it is not a candidate. */
    double rate(int latent) {
        return tokens == 0 ? 0 : (double) fired[latent] / tokens;
    }
}
