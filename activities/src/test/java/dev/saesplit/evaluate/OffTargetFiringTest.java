package dev.saesplit.evaluate;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.saesplit.sae.ComputeDevice;
import dev.saesplit.sae.SaeConfig;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.sae.SparseAutoencoder;
import dev.saesplit.sae.StandardArchitecture;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The off-target firing of a filtered SAE's latents and its baseline, on quiet tokens built by hand in eight
 * dimensions: features e1, e2, e3 each on 30 % of them, nothing along e0 or e4–e7, and every token moved along e0,
 * the typical target token. Latent A reads every direction alike: the typical target token puts it just under its
 * firing level and any feature the token carries tips it over, so it fires whatever the token's features are, as a
 * latent of the target's own commonest feature does. Latent B reads e2 alone and fires on the
 * tokens that carry e2, as a latent of a feature found elsewhere does. Scrambling the deviations must leave A's
 * firing as it is and silence B's.
 */
class OffTargetFiringTest {

    private static final int D = 8;
    private static final int TOKENS = 4000;
    private static final int A = 0;
    private static final int B = 1;

    @Test
    void firingThatTheTypicalTargetTokenCausesIsTheBaselineAndAFeaturesFiringIsNot() {
        float[] x = quietTokens(new Random(3));
        float[] mean = new float[D];
        for (int t = 0; t < TOKENS; t++) {
            for (int c = 0; c < D; c++) {
                mean[c] += x[t * D + c] / TOKENS;
            }
        }
        float[] moveToTarget = new float[D];
        moveToTarget[0] = 1 / 0.3f;
        OffTargetFiring firing = new OffTargetFiring(0.5f, new int[] {A, B}, new float[][] {moveToTarget, moveToTarget},
                new float[2], mean, TOKENS);
        try (NDManager manager = ComputeDevice.newManager(ComputeDevice.selected());
             SparseAutoencoder wide = SparseAutoencoder.upload(wide(), manager)) {
            firing.block(manager.create(x, new Shape(TOKENS, D)), new float[TOKENS], null, wide);
        }

        assertTrue(firing.rate(A) > 0.5, "A fires on every moved token with a feature: " + firing.rate(A));
        assertEquals(firing.rate(A), firing.baseline(A), 0.02, "A fires as often on scrambled deviations");
        assertEquals(0.3, firing.rate(B), 0.05, "B fires where e2 is: " + firing.rate(B));
        assertEquals(0, firing.baseline(B), "no scrambled deviation carries e2");
    }

    /**
     * A block keeps no candidate's encodings: at a study's width each is {@code [1024, d_sae]} floats, and with up to
     * 64 candidates and four encodings each, a block that kept them held gigabytes until it ended.
     */
    @Test
    void whatABlockKeepsDoesNotGrowWithTheCandidates() {
        assertEquals(arraysLeftByABlock(2), arraysLeftByABlock(16));
    }

    /** The arrays left on the block's manager after one block with {@code count} candidates. */
    private static int arraysLeftByABlock(int count) {
        float[] x = quietTokens(new Random(3));
        int[] candidates = new int[count];
        float[][] offsets = new float[count][];
        for (int c = 0; c < count; c++) {
            candidates[c] = c % 2;
            offsets[c] = new float[D];
            offsets[c][0] = c;
        }
        OffTargetFiring firing = new OffTargetFiring(0.5f, candidates, offsets, new float[2], new float[D], TOKENS);
        try (NDManager manager = ComputeDevice.newManager(ComputeDevice.selected());
             SparseAutoencoder wide = SparseAutoencoder.upload(wide(), manager);
             NDManager block = manager.newSubManager()) {
            firing.block(block.create(x, new Shape(TOKENS, D)), new float[TOKENS], null, wide);
            return block.getManagedArrays().size();
        }
    }

    /** Each of e1, e2, e3 at 0.8–1.2 on 30 % of the tokens; nothing along e0 or e4–e7. */
    private static float[] quietTokens(Random random) {
        float[] x = new float[TOKENS * D];
        for (int t = 0; t < TOKENS; t++) {
            for (int c = 1; c <= 3; c++) {
                if (random.nextDouble() < 0.3) {
                    x[t * D + c] = 0.8f + 0.4f * random.nextFloat();
                }
            }
        }
        return x;
    }

    /** A: 0.3 of every direction, bias −1.2; B: e2, bias −0.5. */
    private static SaeWeights wide() {
        float[] encoder = new float[D * 2];
        float[] decoder = new float[2 * D];
        for (int c = 0; c < D; c++) {
            encoder[c * 2 + A] = 0.3f;
        }
        encoder[2 * 2 + B] = 1;
        decoder[A * D] = 1;
        decoder[B * D + 2] = 1;
        return new SaeWeights(SaeConfig.of(D, 2, new StandardArchitecture(), "synthetic", "hand-built"), encoder,
                new float[] {-1.2f, -0.5f}, decoder, new float[D]);
    }
}
