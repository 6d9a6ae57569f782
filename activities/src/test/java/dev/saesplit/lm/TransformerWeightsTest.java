package dev.saesplit.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saesplit.pipeline.BadInput;
import dev.saesplit.sae.safetensors.NamedTensor;
import dev.saesplit.sae.safetensors.SafetensorsReader;
import dev.saesplit.sae.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransformerWeightsTest {

    @TempDir
    Path dir;

    @Test
    void aDirectoryAndItsWeightsFileLoadTheSameModel() {
        Path directory = LmFixture.path(LmFixture.TL_PTH);
        TransformerWeights fromDirectory = TransformerWeights.load(directory);
        TransformerWeights fromFile = TransformerWeights.load(directory.resolve("model.pth"));
        assertEquals(fromDirectory.contentHash(), fromFile.contentHash());
        assertEquals("parity-gelu-2l", fromDirectory.config().modelName());
    }

    @Test
    void theSameModelHasTheSameContentHashInEveryFormat() {
        TransformerWeights pth = TransformerWeights.load(LmFixture.path(LmFixture.TL_PTH));
        TransformerWeights safetensors = TransformerWeights.load(LmFixture.path(LmFixture.TL_SAFETENSORS));
        TransformerWeights gpt2 = TransformerWeights.load(LmFixture.path(LmFixture.HF_GPT2));
        assertEquals(pth.contentHash(), safetensors.contentHash());
        assertNotEquals(pth.contentHash(), gpt2.contentHash());
    }

    @Test
    void aHuggingFaceGpt2CheckpointBecomesTheEquivalentTransformerLensModel() {
        TransformerConfig config = TransformerWeights.load(LmFixture.path(LmFixture.HF_GPT2)).config();
        assertEquals(new TransformerConfig("gpt2", 2, 64, 16, 4, 256, 512, 32, ActivationFunction.GELU_NEW,
                Normalization.LN, 1e-5), config);
    }

    @Test
    void aPthMissingATensorNamesTheTensorAndTheFile() {
        Path file = LmFixture.path("broken-missing/model.pth");
        ModelWeightsException e = assertThrows(ModelWeightsException.class, () -> TransformerWeights.load(file));
        assertTrue(e.getMessage().contains("blocks.0.mlp.W_in"), e.getMessage());
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
        assertEquals(file, e.file());
        assertInstanceOf(BadInput.class, e);
        assertEquals(e.getMessage(), assertThrows(ModelWeightsException.class,
                () -> TransformerWeights.readHeader(file)).getMessage(), "validation refuses it the same way");
    }

    @Test
    void theHeaderOfAPthIsItsPickleAloneNoStorageIsRead() throws IOException {
        Path copy = Files.createDirectories(dir.resolve("no-storages"));
        Files.copy(LmFixture.path(LmFixture.TL_PTH).resolve("config.json"), copy.resolve("config.json"));
        // The archive with its pickle but without any tensor's bytes.
        try (java.util.zip.ZipFile original = new java.util.zip.ZipFile(LmFixture.path(LmFixture.TL_PTH)
                .resolve("model.pth").toFile());
             java.util.zip.ZipOutputStream stripped = new java.util.zip.ZipOutputStream(
                     Files.newOutputStream(copy.resolve("model.pth")))) {
            for (java.util.zip.ZipEntry entry : java.util.Collections.list(original.entries())) {
                if (!entry.getName().contains("/data/")) {
                    stripped.putNextEntry(new java.util.zip.ZipEntry(entry.getName()));
                    original.getInputStream(entry).transferTo(stripped);
                    stripped.closeEntry();
                }
            }
        }

        assertEquals(2, TransformerWeights.readHeader(copy).config().nLayers());
        assertThrows(RuntimeException.class, () -> TransformerWeights.load(copy), "loading reads the storages");
    }

    @Test
    void aMissingBiasIsZerosAsTransformerLensFillsItAndIsRecorded() {
        Path published = PublishedLayoutFixture.write(dir.resolve("published"));
        TransformerWeights loaded = TransformerWeights.load(published);
        TransformerWeights original = TransformerWeights.load(LmFixture.path(LmFixture.TL_SAFETENSORS));

        assertEquals(List.of(TransformerLensLayout.B_U), loaded.filledWithZeros());
        assertEquals(List.of(TransformerLensLayout.B_U), TransformerWeights.readHeader(published).filledWithZeros());
        assertTrue(original.filledWithZeros().isEmpty());
        float[] bias = loaded.tensor(TransformerLensLayout.B_U).values();
        assertEquals(512, bias.length);
        for (float value : bias) {
            assertEquals(0f, value);
        }
        assertEquals(original.tensor("blocks.1.mlp.W_out").values()[7], loaded.tensor("blocks.1.mlp.W_out").values()[7]);
    }

    @Test
    void aMissingWeightIsRefusedNamingItWhereTransformerLensWouldLeaveItUninitialised() {
        Path published = PublishedLayoutFixture.write(dir.resolve("no-w-u"),
                java.util.Set.of(TransformerLensLayout.B_U, TransformerLensLayout.W_U, "blocks.0.ln1.b"), 256);

        ModelWeightsException e = assertThrows(ModelWeightsException.class, () -> TransformerWeights.load(published));
        assertTrue(e.getMessage().contains("tensor 'unembed.W_U'"), e.getMessage());
        assertTrue(e.getMessage().contains("only a missing bias is filled with zeros"), e.getMessage());
        assertEquals(e.getMessage(), assertThrows(ModelWeightsException.class,
                () -> TransformerWeights.readHeader(published)).getMessage(), "validation refuses it the same way");
    }

    @Test
    void aPthWithAMisshapenTensorNamesTheTensorAndBothShapes() {
        Path file = LmFixture.path("broken-shape/model.pth");
        ModelWeightsException e = assertThrows(ModelWeightsException.class, () -> TransformerWeights.load(file));
        assertTrue(e.getMessage().contains("blocks.0.attn.W_Q"), e.getMessage());
        assertTrue(e.getMessage().contains("[2, 8, 5]") && e.getMessage().contains("[2, 8, 4]"), e.getMessage());
        assertEquals(file, e.file());
    }

    @Test
    void anUnknownExtraTensorIsRejectedButKnownBuffersAreNot() throws IOException {
        Path copy = copyOfTransformerLensSafetensors(new NamedTensor("blocks.0.attn.extra", new long[] {1},
                new float[] {1}));
        ModelWeightsException e = assertThrows(ModelWeightsException.class, () -> TransformerWeights.load(copy));
        assertTrue(e.getMessage().contains("blocks.0.attn.extra"), e.getMessage());

        Path withBuffer = copyOfTransformerLensSafetensors(new NamedTensor("blocks.1.attn.IGNORE", new long[0],
                new float[] {Float.NEGATIVE_INFINITY}));
        assertEquals(2, TransformerWeights.load(withBuffer).config().nLayers());
    }

    @Test
    void aDirectoryWithoutWeightsOrConfigSaysWhatIsMissing() throws IOException {
        ModelWeightsException noWeights = assertThrows(ModelWeightsException.class,
                () -> TransformerWeights.load(dir));
        assertTrue(noWeights.getMessage().contains("no weight files"), noWeights.getMessage());

        Files.copy(LmFixture.path(LmFixture.TL_PTH).resolve("model.pth"), dir.resolve("model.pth"));
        ModelConfigException noConfig = assertThrows(ModelConfigException.class, () -> TransformerWeights.load(dir));
        assertEquals(dir.resolve("config.json"), noConfig.file());
    }

    @Test
    void weightsBuiltInMemoryMustHoldExactlyTheConfigsParameters() {
        TransformerWeights loaded = TransformerWeights.load(LmFixture.path(LmFixture.TL_SAFETENSORS));
        Map<String, float[]> values = new LinkedHashMap<>();
        loaded.tensors().forEach((name, tensor) -> values.put(name, tensor.values()));
        assertEquals(loaded.contentHash(), TransformerWeights.of(loaded.config(), values, "memory").contentHash());

        values.remove(TransformerLensLayout.B_U);
        assertThrows(IllegalArgumentException.class, () -> TransformerWeights.of(loaded.config(), values, "memory"));
    }

    /** The fixture's TransformerLens safetensors and config, rewritten with one more tensor. */
    private Path copyOfTransformerLensSafetensors(NamedTensor extra) throws IOException {
        Path source = LmFixture.path(LmFixture.TL_SAFETENSORS);
        Path target = Files.createDirectories(dir.resolve("copy-" + extra.name()));
        Files.copy(source.resolve("config.json"), target.resolve("config.json"));
        List<NamedTensor> tensors = new ArrayList<>(SafetensorsReader.readAll(source.resolve("model.safetensors"))
                .values());
        tensors.add(extra);
        SafetensorsWriter.write(target.resolve("model.safetensors"), tensors);
        return target;
    }
}
