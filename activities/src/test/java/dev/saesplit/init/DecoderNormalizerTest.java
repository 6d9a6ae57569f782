package dev.saesplit.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.saesplit.sae.SaeConfig;
import dev.saesplit.sae.SaeFixtures;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.sae.StandardArchitecture;
import org.junit.jupiter.api.Test;

class DecoderNormalizerTest {

    @Test
    void everyDecoderRowBecomesUnitAndPreservedLatentsScaleTheirEncoderInversely() {
        SaeConfig config = SaeConfig.of(3, 4, new StandardArchitecture(), "m", "h");
        SaeWeights weights = new SaeWeights(config, SaeFixtures.gaussian(12, 1, 1),
                SaeFixtures.gaussian(4, 1, 2), SaeFixtures.gaussian(12, 3, 3),
                new float[3]);

        SaeWeights normalised = DecoderNormalizer.normalize(weights, 2);

        for (int latent = 0; latent < 4; latent++) {
            assertEquals(1.0, SaeFixtures.norm(normalised.decoderRow(latent)), 1e-6);
            double oldNorm = SaeFixtures.norm(weights.decoderRow(latent));
            double encoderScale = latent < 2 ? oldNorm : 1.0;
            float[] before = weights.encoderColumn(latent);
            float[] after = normalised.encoderColumn(latent);
            for (int i = 0; i < 3; i++) {
                assertEquals(before[i] * encoderScale, after[i], 1e-5, "latent " + latent + " encoder entry " + i);
            }
            assertEquals(weights.encoderBias(latent) * encoderScale, normalised.encoderBias(latent), 1e-5);
        }
        assertArrayEquals(weights.decoderBias(), normalised.decoderBias());
    }
}
