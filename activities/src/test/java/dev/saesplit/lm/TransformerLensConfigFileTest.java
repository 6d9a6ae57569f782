package dev.saesplit.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransformerLensConfigFileTest {

    private static final String MINIMAL = """
            {"n_layers": 1, "d_model": 8, "d_head": 4, "n_heads": 2, "d_mlp": 16, "d_vocab": 10, "n_ctx": 4,
             "act_fn": "gelu_new" %s}""";

    @TempDir
    Path dir;

    @Test
    void aFullTransformerLensConfigIsReadAndItsManyOtherKeysIgnored() {
        TransformerConfig config = TransformerLensConfigFile.read(LmFixture.path("tl-pth/config.json"));
        assertEquals(new TransformerConfig("parity-gelu-2l", 2, 64, 16, 4, 256, 512, 32, ActivationFunction.GELU,
                Normalization.LN, 1e-5), config);
    }

    @Test
    void absentOptionalFieldsTakeTransformerLensDefaults() throws IOException {
        TransformerConfig config = TransformerLensConfigFile.read(write(""));
        assertEquals(Normalization.LN, config.normalization());
        assertEquals(TransformerConfig.DEFAULT_EPS, config.eps());
        assertEquals(TransformerConfig.DEFAULT_MODEL_NAME, config.modelName());
    }

    @Test
    void nullNormalizationMeansNoneAndLnPreIsUnderstood() throws IOException {
        assertEquals(Normalization.NONE,
                TransformerLensConfigFile.read(write(", \"normalization_type\": null")).normalization());
        assertEquals(Normalization.LN_PRE,
                TransformerLensConfigFile.read(write(", \"normalization_type\": \"LNPre\"")).normalization());
    }

    @Test
    void anUnimplementedSettingNamesTheFileTheFieldAndTheChoices() throws IOException {
        Path file = write(", \"act_fn\": \"silu\"");
        ModelConfigException act = assertThrows(ModelConfigException.class,
                () -> TransformerLensConfigFile.read(file));
        assertEquals(file, act.file());
        assertEquals("act_fn", act.item());
        assertTrue(act.getMessage().contains("gelu_new"), act.getMessage());

        ModelConfigException positions = assertThrows(ModelConfigException.class,
                () -> TransformerLensConfigFile.read(write(", \"positional_embedding_type\": \"rotary\"")));
        assertEquals("positional_embedding_type", positions.item());

        ModelConfigException norm = assertThrows(ModelConfigException.class,
                () -> TransformerLensConfigFile.read(write(", \"normalization_type\": \"RMS\"")));
        assertEquals("normalization_type", norm.item());
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"\"d_vocab_out\": 11", "\"num_experts\": 4",
            "\"clip_qkv\": 8.0", "\"use_attention_sinks\": true", "\"use_logn_attn\": true",
            "\"uses_rms_norm\": true"})
    void aSettingThatChangesTheArithmeticIsNeverIgnored(String setting) throws IOException {
        ModelConfigException e = assertThrows(ModelConfigException.class,
                () -> TransformerLensConfigFile.read(write(", " + setting)));
        assertEquals(setting.substring(1, setting.indexOf('"', 1)), e.item());
    }

    @Test
    void dVocabOutEqualToDVocabOrMinusOneIsTheOrdinaryUnembedding() throws IOException {
        assertEquals(10, TransformerLensConfigFile.read(write(", \"d_vocab_out\": 10")).dVocab());
        assertEquals(10, TransformerLensConfigFile.read(write(", \"d_vocab_out\": -1")).dVocab());
    }

    @Test
    void aMissingOrNonPositiveSizeNamesTheField() throws IOException {
        Path file = dir.resolve("config.json");
        Files.writeString(file, MINIMAL.formatted("").replace("\"d_mlp\": 16", "\"d_mlp\": 0"));
        ModelConfigException e = assertThrows(ModelConfigException.class, () -> TransformerLensConfigFile.read(file));
        assertEquals("d_mlp", e.item());
    }

    private Path write(String extraFields) throws IOException {
        Path file = dir.resolve("config.json");
        // A later duplicate key wins in Jackson, so extra fields override the minimal ones.
        Files.writeString(file, MINIMAL.formatted(extraFields));
        return file;
    }
}
