package dev.saesplit.filter;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.saesplit.sae.ActivationNormalization;
import dev.saesplit.sae.JumpReLUArchitecture;
import dev.saesplit.sae.SaeArchitecture;
import dev.saesplit.sae.SaeConfig;
import dev.saesplit.sae.SaeFixtures;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.sae.SparseAutoencoder;
import dev.saesplit.sae.StandardArchitecture;
import dev.saesplit.sae.TopKArchitecture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LatentProbeTest {

    private static final int D_IN = 6;
    private static final int D_SAE = 10;
    private static final int TOKENS = 40;

    static Stream<Arguments> saes() {
        return Stream.of(
                Arguments.of("standard", new StandardArchitecture(), true, ActivationNormalization.NONE),
                Arguments.of("standard without b_dec on the input", new StandardArchitecture(), false,
                        ActivationNormalization.NONE),
                Arguments.of("topk", new TopKArchitecture(3), true, ActivationNormalization.NONE),
                Arguments.of("topk rescaled by decoder norms", new TopKArchitecture(3, true), true,
                        ActivationNormalization.NONE),
                Arguments.of("constant_norm_rescale", new StandardArchitecture(), true,
                        ActivationNormalization.CONSTANT_NORM_RESCALE),
                Arguments.of("layer_norm topk", new TopKArchitecture(4), false, ActivationNormalization.LAYER_NORM),
                Arguments.of("jumprelu, thresholds of its own per latent", new JumpReLUArchitecture(), true,
                        ActivationNormalization.NONE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("saes")
    void everyLatentsProbeAgreesWithTheSaesOwnEncode(String name, SaeArchitecture architecture,
                                                     boolean applyBDec, ActivationNormalization normalization) {
        SaeWeights random = SaeFixtures.randomSae(D_IN, D_SAE, architecture, 31);
        SaeConfig config = new SaeConfig(D_IN, D_SAE, architecture, "m", "h", applyBDec, normalization,
                SaeConfig.FLOAT32, "cpu");
        SaeWeights weights = new SaeWeights(config, random.encoderWeights(), random.encoderBias(),
                random.decoderWeights(), random.decoderBias(), architecture.hasThreshold() ? thresholds() : null);
        float[] x = SaeFixtures.gaussian(TOKENS * D_IN, 3, 32);

        float[] encoded;
        try (NDManager manager = NDManager.newBaseManager("PyTorch");
             SparseAutoencoder sae = SparseAutoencoder.upload(weights, manager);
             NDArray input = manager.create(x, new Shape(TOKENS, D_IN));
             NDArray latents = sae.encode(input)) {
            encoded = latents.toFloatArray();
        }

        int active = 0;
        for (int latent = 0; latent < D_SAE; latent++) {
            LatentProbe probe = LatentProbe.of(weights, latent);
            for (int t = 0; t < TOKENS; t++) {
                float expected = encoded[t * D_SAE + latent];
                assertEquals(expected, probe.activation(x, t * D_IN), 1e-4 * (1 + Math.abs(expected)),
                        name + ": token " + t + ", latent " + latent);
                active += expected > 0 ? 1 : 0;
            }
        }
        assertEquals(true, active > TOKENS / 2 && active < TOKENS * D_SAE, name + ": a test with " + active
                + " active latents would not tell a ReLU from the SAE's activation");
    }

    /** Thresholds from 0 to about 3, some negative pre-activations above them and many positive ones below. */
    private static float[] thresholds() {
        float[] values = SaeFixtures.gaussian(D_SAE, 1.5, 33);
        for (int j = 0; j < D_SAE; j++) {
            values[j] = Math.abs(values[j]);
        }
        return values;
    }
}
