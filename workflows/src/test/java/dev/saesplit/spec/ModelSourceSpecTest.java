package dev.saesplit.spec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fields of {@code source: model}: paths resolve against the spec's directory, and bad ones are located. */
class ModelSourceSpecTest {

    private static String spec(String activations) {
        return SpecFixtures.oneRowOver(activations, "3");
    }

    @Test
    void everyFieldIsReadAndPathsResolveAgainstTheSpecDirectory(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("model"));
        Files.createDirectories(dir.resolve("corpus"));
        Files.writeString(dir.resolve("tokenizer.json"), "{}");
        ExperimentSpec parsed = SpecParser.parse(spec("""
                  source: model
                  model: tiny
                  weights: model
                  tokenizer: tokenizer.json
                  dataset: corpus
                  hook: blocks.0.hook_mlp_out
                  context_size: 16
                  prepend_bos: false
                  split_rows: true
                  tokens: 2k
                  batch_size: 4
                """), "lm.yaml", dir);

        ActivationSourceSpec.Model model = assertInstanceOf(ActivationSourceSpec.Model.class, parsed.activations());
        assertEquals(dir.resolve("model"), model.weights());
        assertEquals(dir.resolve("tokenizer.json").toString(), model.tokenizer());
        assertEquals("corpus", model.dataset());
        assertEquals(dir.resolve("corpus"), model.datasetPath());
        assertEquals(16, model.contextSize());
        assertEquals(false, model.prependBos());
        assertTrue(model.splitRows());
        assertEquals(2000, model.tokens());
        assertEquals(4, model.batchSize());
    }

    @Test
    void streamingIsOffByDefaultAndLeavesACachedSpecsJsonAsItWas(@TempDir Path dir) throws Exception {
        ExperimentSpec cached = SpecParser.parse(spec(STREAM_BASE), "lm.yaml", dir);
        ExperimentSpec streamed = SpecParser.parse(spec(STREAM_BASE + "  stream: true\n"), "lm.yaml", dir);
        ExperimentSpec buffered = SpecParser.parse(spec(STREAM_BASE + "  stream: true\n  buffer_tokens: 64k\n"),
                "lm.yaml", dir);

        assertNull(((ActivationSourceSpec.Model) cached.activations()).stream());
        assertTrue(!SpecFingerprint.canonicalJson(cached).contains("stream"), SpecFingerprint.canonicalJson(cached));
        assertEquals(new ActivationSourceSpec.Streaming(ActivationSourceSpec.Streaming.DEFAULT_BUFFER_TOKENS),
                ((ActivationSourceSpec.Model) streamed.activations()).stream());
        assertEquals(new ActivationSourceSpec.Streaming(64_000),
                ((ActivationSourceSpec.Model) buffered.activations()).stream());
        assertTrue(!SpecFingerprint.of(cached).equals(SpecFingerprint.of(streamed)), "streaming is part of the spec");
    }

    @Test
    void aBufferWithoutStreamingOrSmallerThanAForwardBatchIsRejectedAtItsLine(@TempDir Path dir) {
        SpecValidationException withoutStream = assertThrows(SpecValidationException.class, () ->
                SpecParser.parse(spec(STREAM_BASE + "  buffer_tokens: 64k\n"), "lm.yaml", dir));
        SpecValidationException small = assertThrows(SpecValidationException.class, () ->
                SpecParser.parse(spec(STREAM_BASE + "  stream: true\n  buffer_tokens: 50\n"), "lm.yaml", dir));
        SpecValidationException notABoolean = assertThrows(SpecValidationException.class, () ->
                SpecParser.parse(spec(STREAM_BASE + "  stream: yes please\n"), "lm.yaml", dir));

        assertTrue(withoutStream.getMessage().contains("lm.yaml:10:3: activations.buffer_tokens: only a streamed "
                + "source has a shuffle buffer"), withoutStream.getMessage());
        assertTrue(small.getMessage().contains("activations.buffer_tokens: 50 is less than one forward batch "
                + "(batch_size 4 contexts of 16 tokens = 64"), small.getMessage());
        assertTrue(notABoolean.getMessage().contains("activations.stream"), notABoolean.getMessage());
    }

    @Test
    void aStreamedSourceRefusesACacheDtypeAtItsLineAndACachedOneTakesIt(@TempDir Path dir) throws Exception {
        SpecValidationException both = assertThrows(SpecValidationException.class, () ->
                SpecParser.parse(spec(STREAM_BASE + "  stream: true\n  cache_dtype: float16\n"), "lm.yaml", dir));
        ExperimentSpec cached = SpecParser.parse(spec(STREAM_BASE + "  cache_dtype: float16\n"), "lm.yaml", dir);

        assertTrue(both.getMessage().contains("lm.yaml:11:3: activations.cache_dtype: a streamed source keeps no "
                + "activation cache"), both.getMessage());
        assertEquals(CacheDtype.FLOAT16, ((ActivationSourceSpec.Model) cached.activations()).cacheDtype());
    }

    private static final String STREAM_BASE = """
              source: model
              model: gelu-1l
              hook: blocks.0.hook_mlp_out
              dataset: c4-code-tokenized-2b
              context_size: 16
              batch_size: 4
              tokens: 2k
            """;

    @Test
    void aBareDatasetNameWithoutWeightsValidatesSoAStudyCanNameItsFilesLater(@TempDir Path dir) throws Exception {
        ExperimentSpec parsed = SpecParser.parse(spec("""
                  source: model
                  model: gelu-1l
                  hook: blocks.0.hook_mlp_out
                  dataset: c4-code-tokenized-2b
                  tokens: 2k
                """), "lm.yaml", dir);

        ActivationSourceSpec.Model model = (ActivationSourceSpec.Model) parsed.activations();
        assertNull(model.weights());
        assertNull(model.tokenizer());
        assertNull(model.datasetPath());
        assertTrue(model.prependBos(), "SAELens's default");
        assertEquals(false, model.splitRows(), "SAELens's default: a row is one context");
        assertEquals(128, model.contextSize());
        assertEquals(ActivationSourceSpec.Model.DEFAULT_BATCH_SIZE, model.batchSize());
    }

    @Test
    void missingFilesAreNamedWithLineAndColumn(@TempDir Path dir) throws IOException {
        SpecValidationException e = assertThrows(SpecValidationException.class, () -> SpecParser.parse(spec("""
                  source: model
                  model: tiny
                  weights: models/absent
                  tokenizer: absent/tokenizer.json
                  dataset: data/shards
                  hook: blocks.0.hook_mlp_out
                  tokens: 2k
                """), "lm.yaml", dir));

        String message = e.getMessage();
        assertTrue(message.contains("lm.yaml:5:3: activations.weights: not found: " + dir.resolve("models/absent")),
                message);
        assertTrue(message.contains("lm.yaml:6:3: activations.tokenizer: expected gpt2 or a tokenizer.json"), message);
        assertTrue(message.contains("lm.yaml:7:3: activations.dataset: not found: " + dir.resolve("data/shards")),
                message);
    }

    @Test
    void theBuiltInTokenizerNeedsNoFile(@TempDir Path dir) throws Exception {
        ExperimentSpec parsed = SpecParser.parse(spec("""
                  source: model
                  model: gpt2-small
                  tokenizer: GPT2
                  hook: blocks.0.hook_resid_pre
                  dataset: corpus.jsonl.missing-name
                  tokens: 2k
                """), "lm.yaml", dir);

        assertEquals("gpt2", ((ActivationSourceSpec.Model) parsed.activations()).tokenizer());
    }

    @Test
    void aModelFolderTrainedHereIsItsOwnTokenizer(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("stdlib-lm"));
        Files.writeString(dir.resolve("stdlib-lm/vocabulary.json"), "{}");
        ExperimentSpec parsed = SpecParser.parse(spec("""
                  source: model
                  model: stdlib-gelu-1l
                  tokenizer: stdlib-lm
                  hook: blocks.0.hook_mlp_out
                  dataset: corpus.jsonl.missing-name
                  tokens: 2k
                """), "lm.yaml", dir);

        assertEquals(dir.resolve("stdlib-lm").toString(), ((ActivationSourceSpec.Model) parsed.activations()).tokenizer());
    }
}
