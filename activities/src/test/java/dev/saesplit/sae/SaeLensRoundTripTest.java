package dev.saesplit.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.saesplit.activations.ActivationActivitiesImpl;
import dev.saesplit.artifact.ArtifactStore;
import dev.saesplit.init.InitActivitiesImpl;
import dev.saesplit.init.InitRequest;
import dev.saesplit.pipeline.ActivationsRef;
import dev.saesplit.pipeline.SaeRef;
import dev.saesplit.sae.safetensors.NamedTensor;
import dev.saesplit.spec.ActivationSourceSpec;
import dev.saesplit.spec.Init;
import dev.saesplit.store.Database;
import dev.saesplit.store.TestPostgres;
import dev.saesplit.sae.safetensors.SafetensorsReader;
import dev.saesplit.sae.safetensors.SafetensorsWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Round trips through the real SAELens 6 (installed from PyPI into a cached environment by
 * {@code infra/saelens-env.sh}): SAEs saved here load in SAELens with model and hook intact and encode as they
 * encode here, and SAEs saved by SAELens's {@code save_model} load here and encode as SAELens encodes them. Skipped,
 * saying why, only when that environment cannot be installed.
 */
class SaeLensRoundTripTest {

    private static final int D_IN = 16;
    private static final int D_SAE = 48;
    private static final int TOKENS = 64;
    private static final double TOLERANCE = 1e-5;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** SAEs written here, by case name. */
    private static final Map<String, SaeWeights> OURS = Map.of(
            "standard", withConfig(SaeFixtures.randomSae(D_IN, D_SAE, new StandardArchitecture(), 1), true,
                    ActivationNormalization.NONE),
            "topk-rescaled", withConfig(SaeFixtures.randomSae(D_IN, D_SAE, new TopKArchitecture(5, true), 2), true,
                    ActivationNormalization.NONE),
            "constant-norm-no-bdec", withConfig(SaeFixtures.randomSae(D_IN, D_SAE, new StandardArchitecture(), 3),
                    false, ActivationNormalization.CONSTANT_NORM_RESCALE),
            "jumprelu", withThresholds(SaeFixtures.randomSae(D_IN, D_SAE, new JumpReLUArchitecture(), 4)));
    /** SAEs SAELens builds and saves: architecture, k, rescale, apply_b_dec_to_input, normalize_activations. */
    private static final Map<String, Object[]> THEIRS = Map.of(
            "standard", new Object[] {"standard", 0, false, true, "none"},
            "topk-rescaled", new Object[] {"topk", 6, true, true, "none"},
            "layer-norm", new Object[] {"standard", 0, false, false, "layer_norm"},
            "jumprelu", new Object[] {"jumprelu", 0, false, true, "none"});

    private static Path work;
    private static float[] x;

    @BeforeAll
    static void runSaeLens() throws Exception {
        Path python = SaeLensEnvironment.python();
        work = Files.createTempDirectory("saesplit-saelens-");
        x = SaeFixtures.gaussian(TOKENS * D_IN, 2, 99);
        Path xFile = work.resolve("x.safetensors");
        SafetensorsWriter.write(xFile, List.of(NamedTensor.of("x", x, TOKENS, D_IN)));
        ArrayNode jobs = JSON.createArrayNode();
        for (Map.Entry<String, SaeWeights> ours : OURS.entrySet()) {
            Path dir = work.resolve("ours-" + ours.getKey());
            SaeLensFormat.write(dir, ours.getValue(), new float[D_SAE]);
            jobs.addObject().put("mode", "load").put("dir", dir.toString()).put("x", xFile.toString())
                    .put("out", work.resolve("ours-" + ours.getKey() + ".out").toString());
        }
        int seed = 10;
        for (Map.Entry<String, Object[]> theirs : THEIRS.entrySet()) {
            Object[] c = theirs.getValue();
            jobs.addObject().put("mode", "save").put("seed", seed++)
                    .put("dir", work.resolve("theirs-" + theirs.getKey()).toString()).put("x", xFile.toString())
                    .put("out", work.resolve("theirs-" + theirs.getKey() + ".out").toString())
                    .put("d_in", D_IN).put("d_sae", D_SAE).put("architecture", (String) c[0]).put("k", (int) c[1])
                    .put("rescale", (boolean) c[2]).put("apply_b_dec_to_input", (boolean) c[3])
                    .put("normalize_activations", (String) c[4]);
        }
        Path jobFile = work.resolve("jobs.json");
        JSON.writeValue(jobFile.toFile(), jobs);
        Process process = new ProcessBuilder(python.toString(), script().toString(), jobFile.toString())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(10, TimeUnit.MINUTES), "SAELens did not finish");
        assertEquals(0, process.exitValue(), output);
    }

    @Test
    void saesWrittenHereLoadInSaeLensWithTheirModelHookAndSettingsAndEncodeTheSame() throws Exception {
        for (Map.Entry<String, SaeWeights> ours : OURS.entrySet()) {
            String name = ours.getKey();
            SaeConfig config = ours.getValue().config();
            JsonNode seen = JSON.readTree(work.resolve("ours-" + name + ".out.json").toFile());

            assertEquals("gelu-1l", seen.path("model_name").asText(), name + ": " + seen);
            assertEquals("blocks.0.hook_mlp_out", seen.path("hook_name").asText(), name + ": " + seen);
            assertEquals(config.normalizeActivations().configName(), seen.path("normalize_activations").asText());
            assertEquals(config.applyBDecToInput(), seen.path("apply_b_dec_to_input").asBoolean());
            if (config.architecture() instanceof TopKArchitecture topK) {
                assertEquals("TopKSAE", seen.path("class").asText());
                assertEquals(topK.k(), seen.path("k").asInt());
                assertEquals(topK.rescaleActsByDecoderNorm(), seen.path("rescale_acts_by_decoder_norm").asBoolean());
            }
            if (config.architecture() instanceof JumpReLUArchitecture) {
                assertEquals("JumpReLUSAE", seen.path("class").asText());
            }
            assertEncodesAs(ours.getValue(), latents(work.resolve("ours-" + name + ".out")), name);
        }
    }

    @Test
    void saesSavedBySaeLensWithoutSparsityLoadHereAndEncodeAsSaeLensDoes() throws Exception {
        for (String name : THEIRS.keySet()) {
            Path dir = work.resolve("theirs-" + name);
            assertFalse(Files.exists(dir.resolve(SaeLensFormat.SPARSITY_FILE)), "save_model writes no sparsity");

            SaeWeights weights = SaeLensFormat.read(dir);

            assertEquals("gelu-1l", weights.config().modelName(), name);
            assertEquals("blocks.0.hook_mlp_out", weights.config().hookName(), name);
            assertTrue(SaeLensFormat.readSparsity(dir).isEmpty());
            assertEquals(THEIRS.get(name)[0], weights.config().architecture().name(), name);
            assertEncodesAs(weights, latents(work.resolve("theirs-" + name + ".out")), name);
        }
    }

    @Test
    void aSaeSavedBySaeLensServesAsTheNarrowSaeItsFiringMeasuredAndItsWideCopyTrainableHere() {
        try (Database database = Database.open(TestPostgres.freshDatabase())) {
            ArtifactStore store = new ArtifactStore(TestPostgres.stateDir().resolve("artifacts"),
                    database.dataSource());
            ActivationsRef data = new ActivationActivitiesImpl(store).ensureActivations("interop",
                    new ActivationSourceSpec.Synthetic(D_IN, 32, 4, 3, 0.2, 0.5, 20_000, 5));
            InitActivitiesImpl init = new InitActivitiesImpl(store);

            SaeRef narrow = init.registerExisting("interop", work.resolve("theirs-topk-rescaled").toString(), data);
            float[] sparsity = SaeLensFormat.readSparsity(ArtifactStore.directory(narrow.artifact())).orElseThrow();
            SaeRef wide = init.initialise(new InitRequest("interop", "a", data, 2 * D_SAE, 7, Init.NARROW, false,
                    narrow));

            assertEquals(D_SAE, sparsity.length);
            for (float log10 : sparsity) {
                // TopK with k = 6 of 48: every latent fires on at most all tokens, and on average on 1/8 of them.
                assertTrue(log10 >= -10f && log10 <= 0f, "log10 frequency " + log10);
            }
            double meanFrequency = 0;
            for (float log10 : sparsity) {
                meanFrequency += Math.pow(10, log10) / D_SAE;
            }
            assertTrue(meanFrequency > 0.05 && meanFrequency <= 6.0 / D_SAE + 1e-6, "mean " + meanFrequency);
            SaeConfig wideConfig = SaeLensFormat.read(ArtifactStore.directory(wide.artifact())).config();
            assertEquals(new TopKArchitecture(6, false), wideConfig.architecture(), "decoder norms folded in");
            assertEquals(ActivationNormalization.NONE, wideConfig.normalizeActivations());
            assertEquals("gelu-1l", wideConfig.modelName());
        }
    }

    private static void assertEncodesAs(SaeWeights weights, float[] expected, String name) {
        float[] actual;
        try (NDManager manager = ComputeDevice.newManager(ai.djl.Device.cpu());
             SparseAutoencoder sae = SparseAutoencoder.upload(weights, manager);
             NDArray input = manager.create(x, new Shape(TOKENS, D_IN));
             NDArray latents = sae.encode(input)) {
            actual = latents.toFloatArray();
        }
        assertEquals(expected.length, actual.length, name);
        int active = 0;
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]) / (1 + Math.abs(expected[i])));
            active += expected[i] > 0 ? 1 : 0;
        }
        assertTrue(worst <= TOLERANCE, name + ": largest difference from SAELens " + worst);
        assertTrue(active > 0 && active < expected.length, name + ": " + active + " active latents tell nothing");
    }

    private static float[] latents(Path file) {
        try (SafetensorsReader reader = SafetensorsReader.open(file)) {
            return reader.read("latents").values();
        }
    }

    private static SaeWeights withConfig(SaeWeights w, boolean applyBDec, ActivationNormalization normalization) {
        SaeConfig c = w.config();
        return new SaeWeights(new SaeConfig(c.dIn(), c.dSae(), c.architecture(), c.modelName(), c.hookName(),
                applyBDec, normalization, SaeConfig.FLOAT32, "cpu"), w.encoderWeights(), w.encoderBias(),
                w.decoderWeights(), w.decoderBias());
    }

    /** Thresholds around the pre-activations' scale (about 4 here), so they switch many latents off. */
    private static SaeWeights withThresholds(SaeWeights w) {
        float[] thresholds = SaeFixtures.gaussian(w.dSae(), 3, 5);
        for (int j = 0; j < thresholds.length; j++) {
            thresholds[j] = Math.abs(thresholds[j]);
        }
        return new SaeWeights(w.config(), w.encoderWeights(), w.encoderBias(), w.decoderWeights(), w.decoderBias(),
                thresholds);
    }

    private static Path script() throws URISyntaxException {
        return Path.of(SaeLensRoundTripTest.class.getResource("saelens_roundtrip.py").toURI());
    }
}
