package dev.saesplit.sae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saesplit.sae.SaeConfig;
import dev.saesplit.sae.SaeFixtures;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.sae.StandardArchitecture;
import org.junit.jupiter.api.Test;

class KaimingInitializerTest {

    private static final SaeConfig CONFIG = SaeConfig.of(16, 40, new StandardArchitecture(), "m", "h");

    @Test
    void decoderRowsHaveTheChosenNormAndTheEncoderIsTheirTranspose() {
        SaeWeights weights = KaimingInitializer.initialize(CONFIG, 0.25, 9);

        for (int latent = 0; latent < 40; latent++) {
            assertEquals(0.25, SaeFixtures.norm(weights.decoderRow(latent)), 1e-6);
            assertArrayEquals(weights.decoderRow(latent), weights.encoderColumn(latent));
        }
        assertArrayEquals(new float[40], weights.encoderBias());
        assertArrayEquals(new float[16], weights.decoderBias());
    }

    @Test
    void theSameSeedGivesTheSameSaeAndAnotherSeedAnotherOne() {
        SaeWeights first = KaimingInitializer.initialize(CONFIG, 0.1, 1);

        assertTrue(first.bitwiseEquals(KaimingInitializer.initialize(CONFIG, 0.1, 1)));
        assertTrue(!first.bitwiseEquals(KaimingInitializer.initialize(CONFIG, 0.1, 2)));
    }
}
