package dev.saesplit.evaluate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.saesplit.sae.SparseAutoencoder;

/**
 * How often latents of a wide SAE trained on filtered data would fire off the target's tokens, were the target
 * there: each held-out token where the target is quiet is moved, for latent j, by the mean target token where j
 * does not fire less the mean other token, so the SAE sees a typical target token without j's feature, with the
 * token's own features on top. A latent for a feature that occurs everywhere fires there about as often as on the
 * target's tokens; a child, a sub-meaning of the target, fires only where the token itself carries that
 * sub-meaning without the target, which for a child of the target is rare. Moving by the plain difference of means
 * would carry the commonest children into every moved token.
 *
 * <p>Beside it, the <b>baseline</b>: how often j fires on the same moved tokens with the quiet token's deviation from
 * the mean quiet token scrambled (its coordinates rotated, averaged over {@value #SCRAMBLES} rotations: one
 * rotation can happen to turn a common feature towards j), the same size but along no feature's direction. What
 * fires there fires on the typical target token and the size of a deviation, not on a feature the quiet token
 * carries: a latent of the target's own commonest feature that fires on its larger tokens
 * sits just above the typical target token, and fires on many moved tokens whatever they carry. Reads at most
 * {@code maxRows} quiet tokens (the first ones), since each candidate costs 1 + {@value #SCRAMBLES} encodings of
 * each.
 */
final class OffTargetFiring implements HeldOutPass.Visitor {

    /** Scrambles averaged for the baseline: rotations by a quarter, a half and three quarters of the dimension. */
    static final int SCRAMBLES = 3;

    private final float threshold;
    private final int[] candidates;
    private final float[][] offsets;
    private final float[] levels;
    private final long[] fired;
    private final long[] firedScrambled;
    private final float[] quietMean;
    private final int[][] rotations;
    private final int maxRows;
    private long tokens;

    /**
     * @param candidates the wide latents to measure
     * @param offsets    per candidate, what moves a quiet token
     * @param levels     per wide latent, the activation it must exceed to count as firing
     * @param quietMean  the mean held-out token where the target is quiet
     */
    OffTargetFiring(float threshold, int[] candidates, float[][] offsets, float[] levels, float[] quietMean,
                    int maxRows) {
        this.threshold = threshold;
        this.candidates = candidates.clone();
        this.offsets = offsets.clone();
        this.levels = levels.clone();
        this.fired = new long[levels.length];
        this.firedScrambled = new long[levels.length];
        this.quietMean = quietMean.clone();
        int d = quietMean.length;
        this.rotations = new int[SCRAMBLES][d];
        for (int r = 0; r < SCRAMBLES; r++) {
            for (int c = 0; c < d; c++) {
                rotations[r][c] = (c + (r + 1) * d / (SCRAMBLES + 1)) % d;
            }
        }
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
        NDArray mean = manager.create(quietMean, new Shape(1, quietMean.length));
        NDArray deviation = selected.sub(mean);
        NDArray[] scrambled = new NDArray[SCRAMBLES];
        for (int r = 0; r < SCRAMBLES; r++) {
            scrambled[r] = deviation.get(new NDIndex(":, {}", manager.create(rotations[r]))).add(mean);
        }
        for (int c = 0; c < candidates.length; c++) {
            int j = candidates[c];
            // Each candidate's four encodings, [rows, d_sae] each, are freed before the next candidate's: kept on the
            // block's manager until the block ends, up to 64 candidates' held gigabytes at a study's width.
            try (NDScope ignored = new NDScope()) {
                NDArray offset = manager.create(offsets[c], new Shape(1, offsets[c].length));
                fired[j] += firings(wide, selected.add(offset), j);
                for (NDArray s : scrambled) {
                    firedScrambled[j] += firings(wide, s.add(offset), j);
                }
            }
        }
        tokens += quiet;
    }

    private long firings(SparseAutoencoder wide, NDArray moved, int latent) {
        return wide.encode(moved).get(new NDIndex(":, {}", latent)).gt(levels[latent]).sum()
                .toType(DataType.INT64, false).getLong();
    }

    /** P(latent fires | target quiet, token moved); 0 when no quiet token was read or it is not a candidate. */
    double rate(int latent) {
        return tokens == 0 ? 0 : (double) fired[latent] / tokens;
    }

    /** The same with each quiet token's deviation from the mean quiet token scrambled: {@link #rate}'s baseline. */
    double baseline(int latent) {
        return tokens == 0 ? 0 : (double) firedScrambled[latent] / ((double) SCRAMBLES * tokens);
    }
}
