package dev.saesplit.sae;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class SparseAutoencoderTest {

    private static final int D_IN = 4;
    private static final int D_SAE = 6;
    private static final int TOKENS = 5;

    @Test
    void encodeIsReluOfTheAffineMapOfTheCentredInput() {
        SaeWeights weights = SaeFixtures.randomSae(D_IN, D_SAE, new StandardArchitecture(), 21);
        float[] x = SaeFixtures.gaussian(TOKENS * D_IN, 1, 22);

        float[] latents = SaeFixtures.encodeOnCpu(weights, x);

        for (int b = 0; b < TOKENS; b++) {
            double[] pre = preActivations(weights, x, b);
            for (int i = 0; i < D_SAE; i++) {
                assertEquals(Math.max(0, pre[i]), latents[b * D_SAE + i], 1e-5, "token " + b + " latent " + i);
            }
        }
    }

    @Test
    void topKKeepsOnlyTheKLargestPositivePreActivationsPerToken() {
        SaeWeights weights = SaeFixtures.randomSae(D_IN, D_SAE, new TopKArchitecture(2), 23);
        float[] x = SaeFixtures.gaussian(TOKENS * D_IN, 1, 24);

        float[] latents = SaeFixtures.encodeOnCpu(weights, x);

        for (int b = 0; b < TOKENS; b++) {
            double[] pre = preActivations(weights, x, b);
            double[] sorted = pre.clone();
            java.util.Arrays.sort(sorted);
            double kth = sorted[D_SAE - 2];
            for (int i = 0; i < D_SAE; i++) {
                double expected = pre[i] >= kth ? Math.max(0, pre[i]) : 0;
                assertEquals(expected, latents[b * D_SAE + i], 1e-5, "token " + b + " latent " + i);
            }
        }
    }

    @Test
    void batchTopKKeepsTheBatchsLargestPositivePreActivationsAcrossTokens() {
        // k = 1.5 of 6 latents per token on average: int(1.5 · 5) = 7 of the batch's 30 pre-activations survive
        SaeWeights weights = SaeFixtures.randomSae(D_IN, D_SAE, new BatchTopKArchitecture(1.5, false, 0.01, 1.0), 27);
        float[] x = SaeFixtures.gaussian(TOKENS * D_IN, 1, 28);

        float[] latents = SaeFixtures.encodeOnCpu(weights, x);

        double[] all = new double[TOKENS * D_SAE];
        for (int b = 0; b < TOKENS; b++) {
            System.arraycopy(preActivations(weights, x, b), 0, all, b * D_SAE, D_SAE);
        }
        double[] sorted = all.clone();
        java.util.Arrays.sort(sorted);
        double seventh = sorted[sorted.length - 7];
        int kept = 0;
        for (int p = 0; p < all.length; p++) {
            double expected = all[p] >= seventh ? Math.max(0, all[p]) : 0;
            assertEquals(expected, latents[p], 1e-5, "pair " + p);
            kept += latents[p] > 0 ? 1 : 0;
        }
        assertEquals(true, kept > 3 && kept <= 7, kept + " kept");
    }

    @Test
    void jumpReluKeepsPreActivationsAboveEachLatentsOwnThreshold() {
        SaeWeights random = SaeFixtures.randomSae(D_IN, D_SAE, new JumpReLUArchitecture(), 29);
        float[] threshold = {0f, 0.5f, 1f, 1.5f, 2f, 100f};
        SaeWeights weights = new SaeWeights(random.config(), random.encoderWeights(), random.encoderBias(),
                random.decoderWeights(), random.decoderBias(), threshold);
        float[] x = SaeFixtures.gaussian(TOKENS * D_IN, 1, 30);

        float[] latents = SaeFixtures.encodeOnCpu(weights, x);

        for (int b = 0; b < TOKENS; b++) {
            double[] pre = preActivations(weights, x, b);
            for (int i = 0; i < D_SAE; i++) {
                double expected = pre[i] > threshold[i] ? Math.max(0, pre[i]) : 0;
                assertEquals(expected, latents[b * D_SAE + i], 1e-5, "token " + b + " latent " + i);
            }
        }
    }

    @Test
    void downloadReturnsTheUploadedWeightsBitForBit() {
        SaeWeights weights = SaeFixtures.randomSae(D_IN, D_SAE, new StandardArchitecture(), 25);
        try (NDManager manager = ComputeDevice.newManager(Device.cpu());
             SparseAutoencoder sae = SparseAutoencoder.upload(weights, manager)) {
            assertEquals(true, sae.download().bitwiseEquals(weights));
        }
    }

    @Test
    void decoderRowsAreScaledToUnitNormAndAZeroRowStaysZeroAndFinite() {
        SaeWeights random = SaeFixtures.randomSae(D_IN, D_SAE, new StandardArchitecture(), 26);
        float[] decoder = random.decoderWeights();
        java.util.Arrays.fill(decoder, 0, D_IN, 0f); // latent 0 has a zero decoder row
        SaeWeights weights = new SaeWeights(random.config(), random.encoderWeights(), random.encoderBias(), decoder,
                random.decoderBias());
        try (NDManager manager = ComputeDevice.newManager(Device.cpu());
             SparseAutoencoder sae = SparseAutoencoder.upload(weights, manager)) {
            float[] norms = sae.clampedDecoderNorms().toFloatArray();
            assertEquals(1e-12f, norms[0], "a zero row's norm is clamped so it can divide");
            for (int latent = 1; latent < D_SAE; latent++) {
                assertEquals(Math.sqrt(squaredRowNorm(decoder, latent)), norms[latent], 1e-5, "latent " + latent);
            }

            sae.normalizeDecoderRows();

            float[] normalized = sae.decoderWeights().toFloatArray();
            assertEquals(0.0, squaredRowNorm(normalized, 0), "the zero row stays zero");
            for (int latent = 1; latent < D_SAE; latent++) {
                assertEquals(1.0, squaredRowNorm(normalized, latent), 1e-5, "latent " + latent);
            }
        }
    }

    private static double squaredRowNorm(float[] matrix, int row) {
        double sum = 0;
        for (int i = 0; i < D_IN; i++) {
            sum += (double) matrix[row * D_IN + i] * matrix[row * D_IN + i];
        }
        return sum;
    }

    private static double[] preActivations(SaeWeights weights, float[] x, int token) {
        float[] encoder = weights.encoderWeights();
        float[] decoderBias = weights.decoderBias();
        double[] pre = new double[D_SAE];
        for (int i = 0; i < D_SAE; i++) {
            pre[i] = weights.encoderBias(i);
            for (int j = 0; j < D_IN; j++) {
                pre[i] += (x[token * D_IN + j] - decoderBias[j]) * encoder[j * D_SAE + i];
            }
        }
        return pre;
    }
}
