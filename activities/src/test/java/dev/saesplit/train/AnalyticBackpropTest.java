package dev.saesplit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.saesplit.sae.BatchTopKArchitecture;
import dev.saesplit.sae.ComputeDevice;
import dev.saesplit.sae.SaeArchitecture;
import dev.saesplit.sae.SaeConfig;
import dev.saesplit.sae.SaeFixtures;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.sae.SparseAutoencoder;
import dev.saesplit.sae.StandardArchitecture;
import dev.saesplit.sae.TopKArchitecture;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class AnalyticBackpropTest {

    private static final int D_IN = 5;
    private static final int D_SAE = 7;
    private static final int TOKENS = 6;
    private static final double LAMBDA = 0.3;
    private static final double STEP = 1e-5;

    @Test
    void reluGradientsWithDecoderNormWeightedL1MatchFiniteDifferences() {
        checkAgainstFiniteDifferences(new StandardArchitecture(), false, OptionalInt.empty());
    }

    @Test
    void unitNormDecoderGradientIsTheTangentialPartOfTheFiniteDifference() {
        checkAgainstFiniteDifferences(new StandardArchitecture(), true, OptionalInt.empty());
    }

    @Test
    void zeroTargetGradientsMatchFiniteDifferencesAndVanishForTheTarget() {
        checkAgainstFiniteDifferences(new StandardArchitecture(), false, OptionalInt.of(2));
    }

    @Test
    void topKGradientsMatchFiniteDifferences() {
        checkAgainstFiniteDifferences(new TopKArchitecture(3), false, OptionalInt.empty());
    }

    @Test
    void topKWithAZeroedTargetGradientsMatchFiniteDifferences() {
        checkAgainstFiniteDifferences(new TopKArchitecture(3), false, OptionalInt.of(2));
    }

    /**
     * A zeroed target whose pre-activation is the largest on every token: TopK and BatchTopK choose their latents
     * as if it did not exist, so every token (TopK) and the batch (BatchTopK) still get k of the others.
     */
    @Test
    void aZeroedTargetTakesNoPlaceInTheSelection() {
        int target = 2;
        int k = 3;
        for (SaeArchitecture architecture : new SaeArchitecture[] {new TopKArchitecture(k),
                new BatchTopKArchitecture(k)}) {
            SaeWeights random = randomWeights(architecture, false, 11);
            float[] bias = random.encoderBias();
            for (int latent = 0; latent < D_SAE; latent++) {
                bias[latent] += 5f; // every latent positive, so any k of them fire
            }
            bias[target] = 100f;
            SaeWeights weights = new SaeWeights(random.config(), random.encoderWeights(), bias,
                    random.decoderWeights(), random.decoderBias());
            float[] batch = SaeFixtures.gaussian(TOKENS * D_IN, 1.0, 12);
            for (StepPath path : new StepPath[] {StepPath.DENSE, StepPath.SPARSE}) {
                try (NDManager manager = ComputeDevice.newManager(Device.cpu());
                     SparseAutoencoder sae = SparseAutoencoder.upload(weights, manager);
                     NDScope ignored = new NDScope()) {
                    float[] counts = new AnalyticBackprop(sae, TOKENS, false, OptionalInt.of(target), path)
                            .run(batch.clone(), LAMBDA, false).activeCounts().toFloatArray();
                    double firing = 0;
                    for (float count : counts) {
                        firing += count;
                    }
                    String what = architecture.name() + ", " + path;
                    assertEquals(0f, counts[target], what + ": the zeroed target never fires");
                    assertEquals(k * TOKENS, firing, 1e-6, what + ": k latents per token besides the target");
                }
            }
        }
    }

    private static void checkAgainstFiniteDifferences(SaeArchitecture architecture, boolean unitNorm,
                                                      OptionalInt zeroTarget) {
        SaeWeights weights = randomWeights(architecture, unitNorm, 11);
        float[] batch = SaeFixtures.gaussian(TOKENS * D_IN, 1.0, 12);
        try (NDManager manager = ComputeDevice.newManager(Device.cpu());
             SparseAutoencoder sae = SparseAutoencoder.upload(weights, manager);
             NDScope ignored = new NDScope()) {
            AnalyticBackprop backprop = new AnalyticBackprop(sae, TOKENS, unitNorm, zeroTarget);
            Gradients gradients = backprop.run(batch.clone(), LAMBDA, false).gradients();

            ReferenceSaeLoss reference = new ReferenceSaeLoss(D_IN, D_SAE, weights.encoderWeights(),
                    weights.encoderBias(), weights.decoderWeights(), weights.decoderBias(), batch, LAMBDA,
                    zeroTarget.orElse(-1), architecture instanceof TopKArchitecture topK ? topK.k() : 0);
            double[] decoderExpected = reference.finiteDifferences(reference.decoderWeights, STEP);
            if (unitNorm) {
                decoderExpected = tangential(decoderExpected, reference.decoderWeights);
            }
            assertClose("W_enc", reference.finiteDifferences(reference.encoderWeights, STEP),
                    gradients.encoderWeights().toFloatArray());
            assertClose("b_enc", reference.finiteDifferences(reference.encoderBias, STEP),
                    gradients.encoderBias().toFloatArray());
            assertClose("W_dec", decoderExpected, gradients.decoderWeights().toFloatArray());
            assertClose("b_dec", reference.finiteDifferences(reference.decoderBias, STEP),
                    gradients.decoderBias().toFloatArray());
            zeroTarget.ifPresent(target -> {
                float[] encoder = gradients.encoderWeights().toFloatArray();
                for (int i = 0; i < D_IN; i++) {
                    assertEquals(0f, encoder[i * D_SAE + target], "W_enc gradient of the zeroed target");
                }
                assertEquals(0f, gradients.encoderBias().toFloatArray()[target], "b_enc gradient of the zeroed target");
            });
        }
    }

    /** Removes from each decoder row's gradient its component along that (unit) row. */
    private static double[] tangential(double[] gradient, double[] decoder) {
        double[] result = gradient.clone();
        for (int latent = 0; latent < D_SAE; latent++) {
            double along = 0;
            for (int i = 0; i < D_IN; i++) {
                along += gradient[latent * D_IN + i] * decoder[latent * D_IN + i];
            }
            for (int i = 0; i < D_IN; i++) {
                result[latent * D_IN + i] -= along * decoder[latent * D_IN + i];
            }
        }
        return result;
    }

    private static void assertClose(String name, double[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, name + " size");
        boolean anyNonZero = false;
        for (int i = 0; i < expected.length; i++) {
            double tolerance = 2e-4 + 2e-3 * Math.abs(expected[i]);
            assertEquals(expected[i], actual[i], tolerance, name + " gradient entry " + i);
            anyNonZero |= expected[i] != 0;
        }
        assertTrue(anyNonZero, name + " gradient should not be trivially zero");
    }

    private static SaeWeights randomWeights(SaeArchitecture architecture, boolean unitNorm, long seed) {
        SaeConfig config = SaeConfig.of(D_IN, D_SAE, architecture, "test-model", "test-hook");
        float[] decoder = SaeFixtures.gaussian(D_SAE * D_IN, 0.5, seed);
        if (unitNorm) {
            for (int latent = 0; latent < D_SAE; latent++) {
                double norm = 0;
                for (int i = 0; i < D_IN; i++) {
                    norm += decoder[latent * D_IN + i] * decoder[latent * D_IN + i];
                }
                for (int i = 0; i < D_IN; i++) {
                    decoder[latent * D_IN + i] /= (float) Math.sqrt(norm);
                }
            }
        }
        return new SaeWeights(config, SaeFixtures.gaussian(D_IN * D_SAE, 0.5, seed + 1), SaeFixtures.gaussian(D_SAE, 0.3, seed + 2),
                decoder, SaeFixtures.gaussian(D_IN, 0.2, seed + 3));
    }
}
