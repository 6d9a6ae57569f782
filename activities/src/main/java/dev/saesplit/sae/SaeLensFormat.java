package dev.saesplit.sae;

import dev.saesplit.artifact.ArtifactCorruptException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.saesplit.sae.safetensors.NamedTensor;
import dev.saesplit.sae.safetensors.SafetensorsReader;
import dev.saesplit.sae.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Saves and loads SAEs in the SAELens directory layout, so SAEs trained here open in the Python ecosystem
 * and SAELens SAEs open here: {@code sae_weights.safetensors}, {@code cfg.json}, {@code sparsity.safetensors}.
 */
public final class SaeLensFormat {

    public static final String WEIGHTS_FILE = "sae_weights.safetensors";
    public static final String CONFIG_FILE = "cfg.json";
    public static final String SPARSITY_FILE = "sparsity.safetensors";
    public static final String W_ENC = "W_enc";
    public static final String B_ENC = "b_enc";
    public static final String W_DEC = "W_dec";
    public static final String B_DEC = "b_dec";
    public static final String SPARSITY = "sparsity";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SaeLensFormat() {
    }

    /**
     * Writes {@code weights} into {@code directory} (created if absent).
     *
     * @param log10FiringFrequency per latent, log10(firing frequency + 1e-10), as SAELens stores it
     */
    public static void write(Path directory, SaeWeights weights, float[] log10FiringFrequency) {
        SaeConfig config = weights.config();
        if (log10FiringFrequency.length != config.dSae()) {
            throw new IllegalArgumentException("sparsity holds " + log10FiringFrequency.length
                    + " values for " + config.dSae() + " latents");
        }
        try {
            Files.createDirectories(directory);
            SafetensorsWriter.write(directory.resolve(WEIGHTS_FILE), List.of(
                    NamedTensor.of(W_ENC, weights.encoderWeights(), config.dIn(), config.dSae()),
                    NamedTensor.of(B_ENC, weights.encoderBias(), config.dSae()),
                    NamedTensor.of(W_DEC, weights.decoderWeights(), config.dSae(), config.dIn()),
                    NamedTensor.of(B_DEC, weights.decoderBias(), config.dIn())));
            SafetensorsWriter.write(directory.resolve(SPARSITY_FILE),
                    List.of(NamedTensor.of(SPARSITY, log10FiringFrequency.clone(), config.dSae())));
            Files.writeString(directory.resolve(CONFIG_FILE), JSON.writeValueAsString(configJson(config)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write SAE to " + directory, e);
        }
    }

    /** Reads the SAE in {@code directory}, checking every tensor's presence, shape and dtype against {@code cfg.json}. */
    public static SaeWeights read(Path directory) {
        SaeConfig config = readConfig(directory.resolve(CONFIG_FILE));
        Path file = directory.resolve(WEIGHTS_FILE);
        try (SafetensorsReader reader = SafetensorsReader.open(file)) {
            float[] wEnc = readShaped(reader, W_ENC, config.dIn(), config.dSae());
            float[] bEnc = readShaped(reader, B_ENC, config.dSae());
            float[] wDec = readShaped(reader, W_DEC, config.dSae(), config.dIn());
            float[] bDec = readShaped(reader, B_DEC, config.dIn());
            return new SaeWeights(config, wEnc, bEnc, wDec, bDec);
        }
    }

    /** The stored log10 firing frequencies, one per latent. */
    public static float[] readSparsity(Path directory) {
        SaeConfig config = readConfig(directory.resolve(CONFIG_FILE));
        try (SafetensorsReader reader = SafetensorsReader.open(directory.resolve(SPARSITY_FILE))) {
            return readShaped(reader, SPARSITY, config.dSae());
        }
    }

    /** Reads and validates {@code cfg.json}. */
    public static SaeConfig readConfig(Path cfgFile) {
        JsonNode cfg;
        try {
            cfg = JSON.readTree(Files.readString(cfgFile));
        } catch (NoSuchFileException e) {
            throw new ArtifactCorruptException(cfgFile, "file", "does not exist", e);
        } catch (JsonProcessingException e) {
            throw new ArtifactCorruptException(cfgFile, "content", "is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + cfgFile, e);
        }
        if (cfg == null || !cfg.isObject()) {
            throw new ArtifactCorruptException(cfgFile, "content", "is not a JSON object");
        }
        // Older SAELens configs keep model_name and hook_name at the top level instead of under metadata.
        JsonNode metadata = cfg.has("metadata") ? cfg.get("metadata") : cfg;
        return new SaeConfig(
                positiveInt(cfg, "d_in", cfgFile),
                positiveInt(cfg, "d_sae", cfgFile),
                SaeArchitectures.fromConfig(cfg, cfgFile),
                metadata.path("model_name").asText(""),
                metadata.path("hook_name").asText(""),
                cfg.path("apply_b_dec_to_input").asBoolean(true),
                normalization(cfg.get("normalize_activations")),
                cfg.path("dtype").asText(SaeConfig.FLOAT32),
                cfg.path("device").asText("cpu"));
    }

    static ObjectNode configJson(SaeConfig config) {
        ObjectNode cfg = JSON.createObjectNode();
        cfg.put("architecture", config.architecture().name());
        cfg.put("d_in", config.dIn());
        cfg.put("d_sae", config.dSae());
        cfg.put("dtype", config.dtype());
        cfg.put("device", config.device());
        cfg.put("apply_b_dec_to_input", config.applyBDecToInput());
        cfg.put("normalize_activations", config.normalizeActivations());
        config.architecture().writeConfigFields(cfg);
        ObjectNode metadata = cfg.putObject("metadata");
        metadata.put("model_name", config.modelName());
        metadata.put("hook_name", config.hookName());
        return cfg;
    }

    private static float[] readShaped(SafetensorsReader reader, String name, long... expectedShape) {
        NamedTensor tensor = reader.read(name);
        if (!Arrays.equals(tensor.shape(), expectedShape)) {
            throw new ArtifactCorruptException(reader.file(), "tensor '" + name + "'", "has shape "
                    + Arrays.toString(tensor.shape()) + " but cfg.json implies " + Arrays.toString(expectedShape));
        }
        return tensor.values();
    }

    private static int positiveInt(JsonNode cfg, String field, Path cfgFile) {
        JsonNode value = cfg.get(field);
        if (value == null || !value.canConvertToInt() || value.asInt() < 1) {
            throw new ArtifactCorruptException(cfgFile, field, "missing or not a positive integer: " + value);
        }
        return value.asInt();
    }

    /** Older SAELens configs store a missing normalisation as null. */
    private static String normalization(JsonNode value) {
        return value == null || value.isNull() ? SaeConfig.NO_NORMALIZATION : value.asText();
    }
}
