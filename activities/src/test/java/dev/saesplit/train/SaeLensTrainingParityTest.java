package dev.saesplit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.saesplit.sae.BatchTopKArchitecture;
import dev.saesplit.sae.ComputeDevice;
import dev.saesplit.sae.JumpReLUArchitecture;
import dev.saesplit.sae.MatryoshkaBatchTopKArchitecture;
import dev.saesplit.sae.SaeArchitecture;
import dev.saesplit.sae.SaeFixtures;
import dev.saesplit.sae.SaeLensEnvironment;
import dev.saesplit.sae.SaeLensFormat;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.sae.SparseAutoencoder;
import dev.saesplit.sae.safetensors.NamedTensor;
import dev.saesplit.sae.safetensors.SafetensorsReader;
import dev.saesplit.sae.safetensors.SafetensorsWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One training step here against the same step in the real SAELens 6 ({@code TrainingSAE.training_forward_pass} and
 * the loss's backward pass, as its {@code SAETrainer} runs them), on the same weights, batch and dead latents: every
 * parameter's gradient, the reconstruction loss and BatchTopK's threshold estimate agree to float32 rounding, and the
 * SAE as saved for inference is SAELens's {@code save_inference_model} tensor for tensor. Skipped, saying why, only
 * when the SAELens environment cannot be installed.
 */
class SaeLensTrainingParityTest {

    private static final int D_IN = 16;
    private static final int D_SAE = 48;
    private static final int TOKENS = 64;
    private static final double INITIAL_TOPK_THRESHOLD = 0.3;
    private static final double L0_COEFFICIENT = 0.7;
    /** Largest difference from SAELens, relative to the largest magnitude of the tensor compared. */
    private static final double TOLERANCE = 1e-4;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Map<String, SaeArchitecture> CASES = new LinkedHashMap<>();

    static {
        CASES.put("batchtopk", new BatchTopKArchitecture(4.5));
        CASES.put("batchtopk-unscaled", new BatchTopKArchitecture(4.5, false, 0.01, 0.5));
        CASES.put("matryoshka", new MatryoshkaBatchTopKArchitecture(new BatchTopKArchitecture(4.5),
                List.of(6, 20, D_SAE)));
        CASES.put("jumprelu", new JumpReLUArchitecture(0.01, 0.5, false));
        CASES.put("jumprelu-ste-to-input", new JumpReLUArchitecture(0.01, 0.5, true));
    }

    private static Path work;
    private static float[] x;
    private static boolean[] dead;

    @BeforeAll
    static void runSaeLens() throws Exception {
        work = Files.createTempDirectory("saesplit-saelens-training-");
        x = SaeFixtures.gaussian(TOKENS * D_IN, 1, 99);
        dead = new boolean[D_SAE];
        float[] deadAsFloats = new float[D_SAE];
        for (int j = 0; j < D_SAE; j += 3) {
            dead[j] = true;
            deadAsFloats[j] = 1f;
        }
        Path xFile = work.resolve("x.safetensors");
        SafetensorsWriter.write(xFile, List.of(NamedTensor.of("x", x, TOKENS, D_IN),
                NamedTensor.of("dead", deadAsFloats, D_SAE)));
        ArrayNode jobs = JSON.createArrayNode();
        for (Map.Entry<String, SaeArchitecture> c : CASES.entrySet()) {
            Path dir = work.resolve("weights-" + c.getKey());
            SaeLensFormat.write(dir, weights(c.getValue()), new float[D_SAE]);
            ObjectNode job = jobs.addObject().put("weights", dir.resolve(SaeLensFormat.WEIGHTS_FILE).toString())
                    .put("x", xFile.toString()).put("out", work.resolve(c.getKey() + ".out").toString())
                    .put("saved", work.resolve("saved-" + c.getKey()).toString())
                    .put("architecture", c.getValue().name()).put("l0_coefficient", L0_COEFFICIENT);
            BatchTopKArchitecture batchTopK = c.getValue() instanceof MatryoshkaBatchTopKArchitecture m
                    ? m.batchTopK() : c.getValue() instanceof BatchTopKArchitecture b ? b : null;
            if (batchTopK != null) {
                job.put("k", batchTopK.k()).put("rescale", batchTopK.rescaleActsByDecoderNorm())
                        .put("aux_coefficient", batchTopK.auxLossCoefficient())
                        .put("topk_threshold_lr", batchTopK.topkThresholdLr())
                        .put("topk_threshold", INITIAL_TOPK_THRESHOLD);
            }
            if (c.getValue() instanceof MatryoshkaBatchTopKArchitecture m) {
                ArrayNode widths = job.putArray("widths");
                m.matryoshkaWidths().forEach(widths::add);
            }
            Path ours = work.resolve("ours-" + c.getKey());
            SaeLensFormat.write(ours, inferenceForm(c.getValue()), new float[D_SAE]);
            job.put("ours", ours.toString());
            if (c.getValue() instanceof JumpReLUArchitecture j) {
                job.put("bandwidth", j.bandwidth()).put("ste_to_input", j.steToInput());
            }
        }
        Path jobFile = work.resolve("jobs.json");
        JSON.writeValue(jobFile.toFile(), jobs);
        SaeLensEnvironment.run(script(), jobFile.toString());
    }

    @Test
    void batchTopKGradientsIncludingAuxKMatchSaeLens() throws Exception {
        assertStepMatches("batchtopk", "auxiliary_reconstruction_loss");
    }

    @Test
    void batchTopKWithoutDecoderNormRescalingMatchesSaeLens() throws Exception {
        assertStepMatches("batchtopk-unscaled", "auxiliary_reconstruction_loss");
    }

    @Test
    void matryoshkaGradientsWithTheInnerReconstructionLossesMatchSaeLens() throws Exception {
        assertStepMatches("matryoshka", "inner_mse_loss_6", "inner_mse_loss_20", "auxiliary_reconstruction_loss");
    }

    @Test
    void jumpReluGradientsWithTheStepL0LossAndThresholdEstimatorMatchSaeLens() throws Exception {
        assertStepMatches("jumprelu", "l0_loss");
    }

    @Test
    void jumpReluWithTheEstimatorReachingTheInputMatchesSaeLens() throws Exception {
        assertStepMatches("jumprelu-ste-to-input", "l0_loss");
    }

    @Test
    void trainedSaesSavedHereLoadInSaeLensAsJumpReluAndEncodeAsTheyDoHere() {
        for (Map.Entry<String, SaeArchitecture> c : CASES.entrySet()) {
            Map<String, NamedTensor> seen = SafetensorsReader.readAll(work.resolve("ours-" + c.getKey() + ".latents"));
            SaeWeights saved = inferenceForm(c.getValue());
            assertEquals(1f, seen.get("is_jumprelu").values()[0], c.getKey() + " loads as SAELens's JumpReLUSAE");
            float[] expected = seen.get("latents").values();
            float[] actual;
            try (NDManager manager = ComputeDevice.newManager(Device.cpu());
                 SparseAutoencoder sae = SparseAutoencoder.upload(saved, manager);
                 NDArray input = manager.create(x, new ai.djl.ndarray.types.Shape(TOKENS, D_IN));
                 NDArray latents = sae.encode(input)) {
                actual = latents.toFloatArray();
            }
            int active = 0;
            for (float value : expected) {
                active += value > 0 ? 1 : 0;
            }
            assertTrue(active > 0 && active < expected.length / 2, c.getKey() + ": " + active + " active latents");
            assertClose(c.getKey() + " latents", expected, actual);
        }
    }

    /** The SAE of {@link #weights} as the trainer saves it, BatchTopK's threshold estimate at its initial value. */
    private static SaeWeights inferenceForm(SaeArchitecture architecture) {
        ArchitectureTraining terms = ArchitectureTraining.of(architecture, D_SAE, 1000);
        if (terms instanceof BatchTopKTraining batchTopK) {
            batchTopK.restoreState(Map.of(BatchTopKTraining.TOPK_THRESHOLD, 3 * INITIAL_TOPK_THRESHOLD));
        }
        return terms.forInference(weights(architecture));
    }

    private static void assertStepMatches(String name, String... ownLosses) throws Exception {
        SaeArchitecture architecture = CASES.get(name);
        Map<String, NamedTensor> theirs = SafetensorsReader.readAll(work.resolve(name + ".out"));
        JsonNode state = JSON.readTree(work.resolve(name + ".out.json").toFile());
        for (String loss : ownLosses) {
            float value = theirs.get("loss_" + loss).values()[0];
            assertTrue(value > 0, name + ": SAELens's " + loss + " is " + value + ", so it would test nothing");
        }
        try (NDManager manager = ComputeDevice.newManager(Device.cpu());
             SparseAutoencoder sae = SparseAutoencoder.upload(weights(architecture), manager);
             NDScope ignored = new NDScope()) {
            ArchitectureTraining terms = ArchitectureTraining.of(architecture, D_SAE, 1000);
            if (terms instanceof BatchTopKTraining batchTopK) {
                batchTopK.restoreState(Map.of(BatchTopKTraining.TOPK_THRESHOLD, INITIAL_TOPK_THRESHOLD));
                batchTopK.deadLatents(dead);
            }
            AnalyticBackprop backprop = new AnalyticBackprop(sae, terms, TOKENS, false, OptionalInt.empty(),
                    StepPath.DENSE, AnalyticBackprop.ENCODER_BLOCK_TOKENS);
            StepTensors step = backprop.run(x.clone(), L0_COEFFICIENT, true);
            Gradients gradients = step.gradients();

            assertClose(name + " W_enc", theirs.get("grad_W_enc").values(), gradients.encoderWeights());
            assertClose(name + " b_enc", theirs.get("grad_b_enc").values(), gradients.encoderBias());
            assertClose(name + " W_dec", theirs.get("grad_W_dec").values(), gradients.decoderWeights());
            assertClose(name + " b_dec", theirs.get("grad_b_dec").values(), gradients.decoderBias());
            if (architecture.hasThreshold()) {
                assertClose(name + " threshold", theirs.get("grad_threshold").values(), gradients.threshold());
            }
            assertEquals(theirs.get("loss_mse_loss").values()[0], step.statistics().orElseThrow().mse(),
                    1e-5 * theirs.get("loss_mse_loss").values()[0], name + " mse_loss");
            if (terms instanceof BatchTopKTraining batchTopK) {
                assertEquals(state.get("topk_threshold").asDouble(), batchTopK.topkThreshold(), 1e-6,
                        name + " topk_threshold");
            }
            SaeWeights saved = terms.forInference(sae.download());
            SaeWeights saeLensSaved = SaeLensFormat.read(work.resolve("saved-" + name));
            assertEquals(saeLensSaved.config().architecture().name(), saved.config().architecture().name());
            assertClose(name + " saved W_enc", saeLensSaved.encoderWeights(), saved.encoderWeights());
            assertClose(name + " saved b_enc", saeLensSaved.encoderBias(), saved.encoderBias());
            assertClose(name + " saved W_dec", saeLensSaved.decoderWeights(), saved.decoderWeights());
            assertClose(name + " saved b_dec", saeLensSaved.decoderBias(), saved.decoderBias());
            assertClose(name + " saved threshold", saeLensSaved.threshold().orElseThrow(),
                    saved.threshold().orElseThrow());
        }
    }

    /** Unit-Gaussian encoder and biases, decoder rows of norms from about 0.5 to 2, thresholds around 1.5. */
    private static SaeWeights weights(SaeArchitecture architecture) {
        SaeWeights random = SaeFixtures.randomSae(D_IN, D_SAE, architecture, 7);
        float[] decoder = random.decoderWeights();
        for (int j = 0; j < D_SAE; j++) {
            float scale = (float) ((0.5 + 1.5 * j / D_SAE) / 4);
            for (int i = 0; i < D_IN; i++) {
                decoder[j * D_IN + i] *= scale;
            }
        }
        float[] threshold = null;
        if (architecture.hasThreshold()) {
            threshold = SaeFixtures.gaussian(D_SAE, 2, 8);
            for (int j = 0; j < D_SAE; j++) {
                threshold[j] = Math.abs(threshold[j]);
            }
        }
        return new SaeWeights(random.config(), random.encoderWeights(), random.encoderBias(), decoder,
                random.decoderBias(), threshold);
    }

    private static void assertClose(String what, float[] expected, NDArray actual) {
        assertClose(what, expected, actual.toFloatArray());
    }

    private static void assertClose(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what);
        double scale = 0;
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(scale > 0, what + " is zero in SAELens, so it would test nothing");
        assertTrue(worst <= TOLERANCE * scale, what + ": largest difference " + worst + " against magnitude " + scale);
    }

    private static Path script() throws URISyntaxException {
        return Path.of(SaeLensTrainingParityTest.class.getResource("saelens_training_parity.py").toURI());
    }
}
