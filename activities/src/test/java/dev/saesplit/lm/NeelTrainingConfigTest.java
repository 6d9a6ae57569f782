package dev.saesplit.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The training config published beside gelu-1l's weights (Neel Nanda's solu_project keys) is read as TransformerLens's
 * {@code convert_neel_model_config} reads it, and a value that would make the model compute something else is refused
 * naming the key.
 */
class NeelTrainingConfigTest {

    /** gelu-1l's keys: the architecture beside training settings TransformerLens does not read. */
    private static final String GELU_1L = """
            {"act_fn": "gelu", "attn_only": false, "d_head": 64, "d_mlp": 2048, "d_model": 512, "d_vocab": 48262,
             "n_ctx": 1024, "n_heads": 8, "n_layers": 1, "normalization": "LN", "shortformer_pos": false,
             "ln_eps": 1e-5, "lr": 0.001, "batch_size": 32, "n_devices": 8, "tokenizer_name":
             "NeelNanda/gpt-neox-tokenizer-digits", "use_bfloat16_matmul": true %s}""";

    @TempDir
    Path dir;

    @Test
    void gelu1lsPublishedConfigIsReadAsTransformerLensMapsIt() throws IOException {
        assertEquals(new TransformerConfig(TransformerConfig.DEFAULT_MODEL_NAME, 1, 512, 64, 8, 2048, 48262, 1024,
                ActivationFunction.GELU, Normalization.LN, 1e-5), TransformerLensConfigFile.read(write("")));
    }

    @Test
    void normalizationIsReadNotDefaulted() throws IOException {
        assertEquals(Normalization.LN_PRE,
                TransformerLensConfigFile.read(write(", \"normalization\": \"LNPre\"")).normalization());
        assertEquals(Normalization.NONE,
                TransformerLensConfigFile.read(write(", \"normalization\": null")).normalization());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"normalization\": \"RMS\"|normalization|'RMS' is not implemented",
            "\"shortformer_pos\": true|shortformer_pos|shortformer positions",
            "\"attn_only\": true|attn_only|attention-only",
            "\"final_rms\": true|final_rms|RMS normalisation",
            "\"ln_eps\": 1e-6|ln_eps|TransformerLens ignores it",
            "\"architecture\": \"neel-solu-old\"|architecture|'neel-solu-old' is not implemented",
            "\"act_fn\": \"solu_ln\"|act_fn|'solu_ln' is not implemented",
            "\"attn_only\": null|attn_only|missing"})
    void aValueSaesplitCannotReproduceIsRefusedNamingTheKey(String setting, String key, String problem)
            throws IOException {
        Path file = write(", " + setting);
        ModelConfigException e = assertThrows(ModelConfigException.class, () -> TransformerLensConfigFile.read(file));
        assertEquals(key, e.item());
        assertEquals(file, e.file());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
    }

    private Path write(String extraFields) throws IOException {
        Path file = dir.resolve("config.json");
        // A later duplicate key wins in Jackson, so extra fields override gelu-1l's.
        Files.writeString(file, GELU_1L.formatted(extraFields));
        return file;
    }
}
