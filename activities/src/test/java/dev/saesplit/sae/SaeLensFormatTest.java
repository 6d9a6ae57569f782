package dev.saesplit.sae;

import dev.saesplit.artifact.ArtifactCorruptException;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saesplit.sae.safetensors.NamedTensor;
import dev.saesplit.sae.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SaeLensFormatTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void saveThenLoadRoundTripsBitExactly() {
        SaeWeights original = SaeFixtures.randomSae(6, 10, new StandardArchitecture(), 1);
        float[] sparsity = SaeFixtures.gaussian(10, 1, 5);

        SaeLensFormat.write(dir, original, sparsity);

        SaeWeights loaded = SaeLensFormat.read(dir);
        assertTrue(loaded.bitwiseEquals(original), "weights and config survive a save and load bit for bit");
        assertArrayEquals(sparsity, SaeLensFormat.readSparsity(dir).orElseThrow());
    }

    @Test
    void topKArchitectureAndItsKRoundTrip() throws IOException {
        SaeWeights original = SaeFixtures.randomSae(4, 8, new TopKArchitecture(3), 2);

        SaeLensFormat.write(dir, original, new float[8]);

        JsonNode cfg = JSON.readTree(dir.resolve("cfg.json").toFile());
        assertEquals("topk", cfg.get("architecture").asText());
        assertEquals(3, cfg.get("k").asInt());
        assertEquals(new TopKArchitecture(3), SaeLensFormat.read(dir).config().architecture());
    }

    @Test
    void writtenDirectoryHasTheSaeLensLayout() throws IOException {
        SaeLensFormat.write(dir, SaeFixtures.randomSae(6, 10, new StandardArchitecture(), 3), new float[10]);

        byte[] bytes = Files.readAllBytes(dir.resolve("sae_weights.safetensors"));
        long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLength % 8, "header padded so the data starts 8-byte aligned");
        JsonNode header = JSON.readTree(new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8));
        Map<String, List<Long>> expectedShapes = Map.of(
                "W_enc", List.of(6L, 10L), "b_enc", List.of(10L), "W_dec", List.of(10L, 6L), "b_dec", List.of(6L));
        assertEquals(expectedShapes.keySet().size(), header.size());
        List<long[]> spans = new ArrayList<>();
        for (Iterator<String> names = header.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            JsonNode entry = header.get(name);
            assertEquals("F32", entry.get("dtype").asText(), name + " dtype");
            List<Long> shape = new ArrayList<>();
            entry.get("shape").forEach(dim -> shape.add(dim.asLong()));
            assertEquals(expectedShapes.get(name), shape, name + " shape");
            long begin = entry.get("data_offsets").get(0).asLong();
            long end = entry.get("data_offsets").get(1).asLong();
            assertEquals(4 * shape.stream().reduce(1L, (a, b) -> a * b), end - begin, name + " byte span");
            spans.add(new long[] {begin, end});
        }
        spans.sort((a, b) -> Long.compare(a[0], b[0]));
        long expectedBegin = 0;
        for (long[] span : spans) {
            assertEquals(expectedBegin, span[0], "tensors are contiguous without gaps");
            expectedBegin = span[1];
        }
        assertEquals(bytes.length - 8 - headerLength, expectedBegin, "data section ends with the last tensor");

        JsonNode cfg = JSON.readTree(dir.resolve("cfg.json").toFile());
        assertEquals(6, cfg.get("d_in").asInt());
        assertEquals(10, cfg.get("d_sae").asInt());
        assertEquals("float32", cfg.get("dtype").asText());
        assertEquals("cpu", cfg.get("device").asText());
        assertEquals("standard", cfg.get("architecture").asText());
        assertTrue(cfg.get("apply_b_dec_to_input").asBoolean());
        assertEquals("none", cfg.get("normalize_activations").asText());
        assertEquals("gelu-1l", cfg.get("metadata").get("model_name").asText());
        assertEquals("blocks.0.hook_mlp_out", cfg.get("metadata").get("hook_name").asText());
        assertTrue(Files.exists(dir.resolve("sparsity.safetensors")));
    }

    @Test
    void loadingAFileWithoutATensorNamesTheFileAndTheTensor() {
        SaeLensFormat.write(dir, SaeFixtures.randomSae(3, 4, new StandardArchitecture(), 4), new float[4]);
        SafetensorsWriter.write(dir.resolve("sae_weights.safetensors"), List.of(
                NamedTensor.of("W_enc", new float[12], 3, 4), NamedTensor.of("b_enc", new float[4], 4),
                NamedTensor.of("W_dec", new float[12], 4, 3)));

        ArtifactCorruptException e = assertThrows(ArtifactCorruptException.class, () -> SaeLensFormat.read(dir));

        assertTrue(e.getMessage().contains("sae_weights.safetensors"), e.getMessage());
        assertTrue(e.getMessage().contains("'b_dec'") && e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void loadingATensorOfTheWrongShapeNamesTheTensorAndBothShapes() {
        SaeLensFormat.write(dir, SaeFixtures.randomSae(3, 4, new StandardArchitecture(), 5), new float[4]);
        SafetensorsWriter.write(dir.resolve("sae_weights.safetensors"), List.of(
                NamedTensor.of("W_enc", new float[12], 4, 3), NamedTensor.of("b_enc", new float[4], 4),
                NamedTensor.of("W_dec", new float[12], 4, 3), NamedTensor.of("b_dec", new float[3], 3)));

        ArtifactCorruptException e = assertThrows(ArtifactCorruptException.class, () -> SaeLensFormat.read(dir));

        assertTrue(e.getMessage().contains("'W_enc'") && e.getMessage().contains("[4, 3]")
                && e.getMessage().contains("[3, 4]"), e.getMessage());
    }

    @Test
    void aConfigWithoutDInIsRejectedNamingTheField() throws IOException {
        SaeLensFormat.write(dir, SaeFixtures.randomSae(3, 4, new StandardArchitecture(), 6), new float[4]);
        Files.writeString(dir.resolve("cfg.json"), "{\"d_sae\": 4}");

        ArtifactCorruptException e = assertThrows(ArtifactCorruptException.class, () -> SaeLensFormat.read(dir));

        assertTrue(e.getMessage().contains("cfg.json") && e.getMessage().contains("d_in"), e.getMessage());
    }

    @Test
    void anOlderSaeLensConfigWithFlatMetadataAndNoArchitectureReadsAsStandard() throws IOException {
        SaeLensFormat.write(dir, SaeFixtures.randomSae(3, 4, new StandardArchitecture(), 7), new float[4]);
        Files.writeString(dir.resolve("cfg.json"), """
                {"d_in": 3, "d_sae": 4, "dtype": "torch.float32", "device": "cuda",
                 "model_name": "gelu-1l", "hook_name": "blocks.0.hook_mlp_out",
                 "apply_b_dec_to_input": true, "normalize_activations": null}""");

        SaeConfig config = SaeLensFormat.read(dir).config();

        assertEquals(new StandardArchitecture(), config.architecture());
        assertEquals("gelu-1l", config.modelName());
        assertEquals("blocks.0.hook_mlp_out", config.hookName());
        assertEquals(ActivationNormalization.NONE, config.normalizeActivations());
    }

    @Test
    void cfgJsonNamesItsSaeLensVersionSoSaeLens6KeepsModelAndHookUnderMetadata() throws Exception {
        SaeLensFormat.write(dir, SaeFixtures.randomSae(3, 4, new TopKArchitecture(2, true), 7), new float[4]);

        JsonNode cfg = new ObjectMapper().readTree(dir.resolve("cfg.json").toFile());

        assertEquals(SaeLensFormat.SAE_LENS_FORMAT_VERSION, cfg.path("metadata").path("sae_lens_version").asText());
        assertEquals("gelu-1l", cfg.path("metadata").path("model_name").asText());
        assertEquals("blocks.0.hook_mlp_out", cfg.path("metadata").path("hook_name").asText());
        assertTrue(cfg.path("rescale_acts_by_decoder_norm").asBoolean());
        assertEquals(new TopKArchitecture(2, true), SaeLensFormat.read(dir).config().architecture());
    }

    @Test
    void aSaeTrainedFromAnImportedOneRecordsFloat32AndNoNormalisationWhateverTheImportSaid() throws Exception {
        SaeLensFormat.write(dir, SaeFixtures.randomSae(3, 4, new StandardArchitecture(), 7), new float[4]);
        Files.writeString(dir.resolve("cfg.json"), """
                {"d_in": 3, "d_sae": 4, "dtype": "bfloat16", "device": "cuda",
                 "normalize_activations": "constant_norm_rescale",
                 "metadata": {"model_name": "m", "hook_name": "h", "sae_lens_version": "6.5.0"}}""");
        SaeConfig imported = SaeLensFormat.read(dir).config();
        assertEquals(ActivationNormalization.CONSTANT_NORM_RESCALE, imported.normalizeActivations());

        SaeConfig wide = imported.withDSae(8).forTraining();

        assertEquals(ActivationNormalization.NONE, wide.normalizeActivations());
        assertEquals("float32", wide.dtype());
        assertEquals("m", wide.modelName());
    }

    @Test
    void aNormalisationSaesplitCannotApplyIsRejectedNamingFileAndField() throws Exception {
        SaeLensFormat.write(dir, SaeFixtures.randomSae(3, 4, new StandardArchitecture(), 7), new float[4]);
        Files.writeString(dir.resolve("cfg.json"), """
                {"d_in": 3, "d_sae": 4, "normalize_activations": "covariance_whitening"}""");

        ArtifactCorruptException e = assertThrows(ArtifactCorruptException.class, () -> SaeLensFormat.inspect(dir));

        assertTrue(e.getMessage().contains("cfg.json: normalize_activations: 'covariance_whitening' is not supported"),
                e.getMessage());
    }

    @Test
    void sparsityIsOptionalAsSaeLensSaveModelWritesNone() throws Exception {
        SaeLensFormat.write(dir, SaeFixtures.randomSae(3, 4, new StandardArchitecture(), 7), new float[4]);
        Files.delete(dir.resolve(SaeLensFormat.SPARSITY_FILE));

        assertTrue(SaeLensFormat.readSparsity(dir).isEmpty());
    }

    @Test
    void encoderColumnAndBiasesAreReadFromTheSaeLensLayout() {
        float[] encoder = {1, 2, 3, 4, 5, 6}; // [d_in=2, d_sae=3]
        SaeWeights weights = new SaeWeights(SaeConfig.of(2, 3, new StandardArchitecture(), "m", "h"), encoder,
                new float[] {7, 8, 9}, new float[6], new float[] {10, 11});

        assertArrayEquals(new float[] {2, 5}, weights.encoderColumn(1));
        assertEquals(9f, weights.encoderBias(2));
        assertArrayEquals(new float[] {10, 11}, weights.decoderBias());
    }
}
