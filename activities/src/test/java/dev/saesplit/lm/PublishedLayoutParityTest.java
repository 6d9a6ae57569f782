package dev.saesplit.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.saesplit.sae.ComputeDevice;
import dev.saesplit.sae.SaeLensEnvironment;
import dev.saesplit.sae.safetensors.NamedTensor;
import dev.saesplit.sae.safetensors.SafetensorsReader;
import dev.saesplit.spec.WeightProcessing;
import dev.saesplit.store.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * gelu-1l as published (the training run's config keys, {@code model_final.pth} without {@code unembed.b_U}), with
 * every parameter random, against TransformerLens's own {@code from_pretrained("gelu-1l")} and
 * {@code from_pretrained_no_processing} on the same files: {@code transformer_lens_published_layout.py} writes the
 * files and TransformerLens's activations, in the environment of the SAELens interop tests (skipped, saying why,
 * only where that cannot be installed).
 */
class PublishedLayoutParityTest {

    private static final double TOLERANCE = 1e-4;
    private static final List<String> HOOKS = List.of("blocks.0.hook_mlp_out", "blocks.0.mlp.hook_post",
            "blocks.0.hook_resid_post");

    private static Path work;
    private static Map<String, NamedTensor> reference;

    @BeforeAll
    static void runTransformerLens() throws Exception {
        Path python = SaeLensEnvironment.python();
        work = Files.createTempDirectory("saesplit-transformer-lens-");
        Path script = Path.of(PublishedLayoutParityTest.class.getResource("transformer_lens_published_layout.py")
                .toURI());
        ProcessBuilder builder = new ProcessBuilder(python.toString(), script.toString(), work.toString(), "7")
                .redirectErrorStream(true);
        // Nothing may come from the hub: the script serves the files itself.
        builder.environment().put("HF_HUB_OFFLINE", "1");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(10, TimeUnit.MINUTES), "TransformerLens did not finish");
        assertEquals(0, process.exitValue(), output);
        reference = SafetensorsReader.readAll(work.resolve("reference.safetensors"));
    }

    @AfterAll
    static void deleteFiles() {
        if (work != null) {
            TestPostgres.deleteQuietly(work);
        }
    }

    @Test
    void thePublishedFilesLoadAsTransformerLensLoadsThemTheMissingUnembedBiasFilledWithZeros() {
        TransformerConfig gelu1l = new TransformerConfig(TransformerConfig.DEFAULT_MODEL_NAME, 1, 512, 64, 8, 2048,
                1000, 64, ActivationFunction.GELU, Normalization.LN, 1e-5);

        TransformerWeights.ModelHeader header = TransformerWeights.readHeader(model());
        TransformerWeights weights = TransformerWeights.load(model());

        assertEquals(gelu1l, header.config());
        assertEquals(List.of(TransformerLensLayout.B_U), header.filledWithZeros(), "validation sees the same");
        assertEquals(gelu1l, weights.config());
        assertEquals(List.of(TransformerLensLayout.B_U), weights.filledWithZeros());
    }

    @ParameterizedTest
    @EnumSource(WeightProcessing.class)
    void hookMlpOutTheResidualStreamAndTheLogitsMatchTransformerLens(WeightProcessing processing) {
        TransformerWeights weights = TransformerWeights.load(model()).processed(processing);
        try (NDManager manager = ComputeDevice.newManager(Device.cpu());
             Transformer transformer = Transformer.upload(weights, manager)) {
            NDArray tokens = tokens(manager);
            for (String hook : HOOKS) {
                assertClose(reference.get(processing.specName() + "/" + hook.substring("blocks.0.".length())),
                        transformer.activations(tokens, HookPoint.parse(hook)), processing.specName() + " " + hook);
            }
            assertClose(reference.get(processing.specName() + "/logits"), transformer.logits(tokens),
                    processing.specName() + " logits");
        }
    }

    /** The figures docs/language-model.md quotes: how far processing moves hook_mlp_out on this random model. */
    @Test
    void processingMovesHookMlpOutByItsMeanOverDModel() {
        float[] processed = reference.get("from-pretrained/hook_mlp_out").values();
        float[] unprocessed = reference.get("none/hook_mlp_out").values();
        int d = 512;
        double maxShift = 0;
        double[] relative = new double[processed.length / d];
        for (int row = 0; row < relative.length; row++) {
            double mean = 0;
            double shift = 0;
            double norm = 0;
            for (int i = row * d; i < (row + 1) * d; i++) {
                mean += unprocessed[i] / (double) d;
            }
            for (int i = row * d; i < (row + 1) * d; i++) {
                assertEquals(unprocessed[i] - mean, processed[i], TOLERANCE, "processed = unprocessed - its mean");
                maxShift = Math.max(maxShift, Math.abs(processed[i] - unprocessed[i]));
                shift += (processed[i] - unprocessed[i]) * (double) (processed[i] - unprocessed[i]);
                norm += unprocessed[i] * (double) unprocessed[i];
            }
            relative[row] = Math.sqrt(shift / norm);
        }
        java.util.Arrays.sort(relative);
        System.out.printf("hook_mlp_out, processed vs unprocessed: max abs %.4g, median relative %.4g%n", maxShift,
                relative[relative.length / 2]);
        assertTrue(maxShift > 1e-3, "the random model's MLP output has a mean to remove");
    }

    private static Path model() {
        return work.resolve("model");
    }

    private static NDArray tokens(NDManager manager) {
        return LmFixture.tokens(reference, manager);
    }

    /** Absolute tolerance, relative above 1; prints the largest difference for the record. */
    private static void assertClose(NamedTensor expected, NDArray actual, String what) {
        assertArrayEquals(expected.shape(), actual.getShape().getShape(), what + " shape");
        float[] want = expected.values();
        float[] got = actual.toFloatArray();
        double largest = 0;
        for (int i = 0; i < want.length; i++) {
            double difference = Math.abs(want[i] - got[i]);
            largest = Math.max(largest, difference);
            int index = i;
            assertTrue(difference <= TOLERANCE * Math.max(1, Math.abs(want[i])),
                    () -> what + " element " + index + ": expected " + want[index] + " but was " + got[index]);
        }
        System.out.printf("%s: max abs difference to TransformerLens %.3g%n", what, largest);
    }
}
