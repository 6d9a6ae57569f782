package dev.saesplit.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.saesplit.sae.JumpReLUArchitecture;
import dev.saesplit.sae.KaimingInitializer;
import dev.saesplit.sae.SaeConfig;
import dev.saesplit.sae.SaeFixtures;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.sae.StandardArchitecture;
import dev.saesplit.spec.Init;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NarrowToWideInitializerTest {

    private static final int D_IN = 8;
    private static final int NARROW = 6;
    private static final int WIDE = 20;
    private static final int TOKENS = 32;

    @ParameterizedTest(name = "normalised = {0}")
    @ValueSource(booleans = {false, true})
    void wideSaeWithSilentFreshLatentsReconstructsLikeTheNarrowOne(boolean normalised) {
        SaeWeights narrow = narrowSae();
        SaeWeights wide = SaeInitializer.initialize(narrow.config().withDSae(WIDE), Init.NARROW, normalised,
                Optional.of(narrow), KaimingInitializer.DEFAULT_DECODER_NORM, 3);
        SaeWeights silenced = withFreshEncodersZeroed(wide, NARROW);
        float[] x = SaeFixtures.gaussian(TOKENS * D_IN, 1.0, 4);

        float[] narrowReconstruction = SaeFixtures.reconstructOnCpu(narrow, x);
        float[] wideReconstruction = SaeFixtures.reconstructOnCpu(silenced, x);

        for (int i = 0; i < x.length; i++) {
            assertEquals(narrowReconstruction[i], wideReconstruction[i], 1e-4, "reconstruction entry " + i);
        }
    }

    @Test
    void copiedLatentsTakeTheNarrowWeightsAndFreshOnesStartKaimingAtTheDecoderNorm() {
        SaeWeights narrow = narrowSae();

        SaeWeights wide = NarrowToWideInitializer.initialize(narrow, narrow.config().withDSae(WIDE), 0.1, 5);

        for (int latent = 0; latent < NARROW; latent++) {
            assertArrayEquals(narrow.encoderColumn(latent), wide.encoderColumn(latent));
            assertArrayEquals(narrow.decoderRow(latent), wide.decoderRow(latent));
            assertEquals(narrow.encoderBias(latent), wide.encoderBias(latent));
        }
        assertArrayEquals(narrow.decoderBias(), wide.decoderBias());
        for (int latent = NARROW; latent < WIDE; latent++) {
            assertEquals(0.1, SaeFixtures.norm(wide.decoderRow(latent)), 1e-6, "fresh decoder row norm");
            assertArrayEquals(wide.decoderRow(latent), wide.encoderColumn(latent), "fresh W_enc = W_decᵀ");
            assertEquals(0f, wide.encoderBias(latent));
        }
    }

    @Test
    void aJumpReluNarrowSaesCopiedLatentsKeepTheirThresholdsAndFreshOnesStartAtTheInitialOne() {
        SaeWeights standard = narrowSae();
        float[] thresholds = new float[NARROW];
        for (int latent = 0; latent < NARROW; latent++) {
            thresholds[latent] = 0.5f + latent;
        }
        SaeWeights narrow = new SaeWeights(standard.config().withArchitecture(new JumpReLUArchitecture()),
                standard.encoderWeights(), standard.encoderBias(), standard.decoderWeights(), standard.decoderBias(),
                thresholds);

        float[] wide = NarrowToWideInitializer.initialize(narrow, narrow.config().withDSae(WIDE), 0.1, 5)
                .threshold().orElseThrow();

        assertArrayEquals(thresholds, Arrays.copyOf(wide, NARROW));
        for (int latent = NARROW; latent < WIDE; latent++) {
            assertEquals((float) JumpReLUArchitecture.DEFAULT_INIT_THRESHOLD, wide[latent]);
        }
    }

    @Test
    void aNarrowSaeOfAnotherWidthIsRejected() {
        SaeWeights narrow = narrowSae();
        SaeConfig otherWidth = SaeConfig.of(D_IN + 1, WIDE, new StandardArchitecture(), "m", "h");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NarrowToWideInitializer.initialize(narrow, otherWidth, 0.1, 1));

        assertEquals("narrow SAE reads d_in=8 but the wide SAE is configured for d_in=9", e.getMessage());
    }

    /** A narrow SAE whose decoder rows are far from unit norm, so normalisation has something to undo. */
    private static SaeWeights narrowSae() {
        SaeConfig config = SaeConfig.of(D_IN, NARROW, new StandardArchitecture(), "gelu-1l", "blocks.0.hook_mlp_out");
        return new SaeWeights(config, SaeFixtures.gaussian(D_IN * NARROW, 0.7, 1), SaeFixtures.gaussian(NARROW, 0.3, 2),
                SaeFixtures.gaussian(NARROW * D_IN, 2.5, 6), SaeFixtures.gaussian(D_IN, 0.2, 7));
    }

    private static SaeWeights withFreshEncodersZeroed(SaeWeights wide, int copied) {
        float[] encoder = wide.encoderWeights();
        for (int i = 0; i < D_IN; i++) {
            for (int latent = copied; latent < WIDE; latent++) {
                encoder[i * WIDE + latent] = 0;
            }
        }
        return new SaeWeights(wide.config(), encoder, wide.encoderBias(), wide.decoderWeights(), wide.decoderBias());
    }
}
