package dev.saesplit.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.saesplit.sae.safetensors.NamedTensor;
import dev.saesplit.sae.safetensors.SafetensorsReader;
import dev.saesplit.sae.safetensors.SafetensorsWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SAEs in Neel Nanda's 1L-Sparse-Autoencoder format against that repository's own class, run in PyTorch
 * ({@code neel_sae.py} in the SAELens environment): a {@code .pt} and {@code _cfg.json} written by {@code torch.save}
 * and {@code json.dump} as the repository writes them encode here as the class encodes them, on the same inputs,
 * within 1e-5; and one written here loads in PyTorch with a strict {@code load_state_dict} and encodes the same.
 */
class NeelSaeParityTest {

    private static final int ACT_SIZE = 16;
    private static final int DICT_MULT = 3;
    private static final int TOKENS = 64;
    private static final double TOLERANCE = 1e-5;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path work;
    private static float[] x;
    private static SaeWeights writtenHere;

    @BeforeAll
    static void runTheRepositorysClass() throws Exception {
        work = Files.createTempDirectory("saesplit-neel-");
        x = SaeFixtures.gaussian(TOKENS * ACT_SIZE, 2, 41);
        Path xFile = work.resolve("x.safetensors");
        SafetensorsWriter.write(xFile, List.of(NamedTensor.of("x", x, TOKENS, ACT_SIZE)));
        writtenHere = SaeFixtures.randomSae(ACT_SIZE, ACT_SIZE * DICT_MULT, new StandardArchitecture(), 5);
        NeelSaeFormat.write(work.resolve("2.pt"), writtenHere);
        ArrayNode jobs = JSON.createArrayNode();
        jobs.addObject().put("mode", "save").put("seed", 49).put("act_size", ACT_SIZE).put("dict_mult", DICT_MULT)
                .put("pt", work.resolve("1.pt").toString()).put("x", xFile.toString())
                .put("out", work.resolve("1.out").toString());
        jobs.addObject().put("mode", "load").put("pt", work.resolve("2.pt").toString()).put("x", xFile.toString())
                .put("out", work.resolve("2.out").toString());
        Path jobFile = work.resolve("jobs.json");
        JSON.writeValue(jobFile.toFile(), jobs);
        SaeLensEnvironment.run(Path.of(NeelSaeParityTest.class.getResource("neel_sae.py").toURI()), jobFile.toString());
    }

    @Test
    void anSaeSavedByTheRepositorysCodeEncodesHereAsItsClassEncodes() {
        Path pt = work.resolve("1.pt");

        SaeWeights read = SaeFiles.read(pt);

        assertEquals(ACT_SIZE, read.dIn());
        assertEquals(ACT_SIZE * DICT_MULT, read.dSae());
        assertEquals("blocks.0.hook_mlp_out", read.config().hookName());
        assertEquals("gelu-1l", read.config().modelName());
        assertEncodesAs(read, latents(work.resolve("1.out")));
    }

    @Test
    void anSaeWrittenHereLoadsStrictlyInPyTorchAndEncodesTheSame() {
        assertEncodesAs(writtenHere, latents(work.resolve("2.out")));
    }

    private static void assertEncodesAs(SaeWeights weights, float[] expected) {
        float[] actual;
        try (NDManager manager = ComputeDevice.newManager(ai.djl.Device.cpu());
             SparseAutoencoder sae = SparseAutoencoder.upload(weights, manager);
             NDArray input = manager.create(x, new Shape(TOKENS, weights.dIn()));
             NDArray latents = sae.encode(input)) {
            actual = latents.toFloatArray();
        }
        assertEquals(expected.length, actual.length);
        int active = 0;
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
            active += expected[i] > 0 ? 1 : 0;
        }
        assertTrue(worst <= TOLERANCE, "largest difference from the repository's class: " + worst);
        assertTrue(active > 0 && active < expected.length, active + " active latents tell nothing");
    }

    private static float[] latents(Path file) {
        try (SafetensorsReader reader = SafetensorsReader.open(file)) {
            return reader.read("latents").values();
        }
    }
}
