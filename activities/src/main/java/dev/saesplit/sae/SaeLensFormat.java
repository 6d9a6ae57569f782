package dev.saesplit.sae;

import static dev.saesplit.sae.SaeConfigFields.describe;
import static dev.saesplit.sae.SaeConfigFields.optionalBoolean;
import static dev.saesplit.sae.SaeConfigFields.positiveInt;

import dev.saesplit.artifact.ArtifactCorruptException;
import dev.saesplit.data.FiniteValues;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.saesplit.sae.safetensors.NamedTensor;
import dev.saesplit.sae.safetensors.SafetensorsReader;
import dev.saesplit.sae.safetensors.SafetensorsWriter;
import dev.saesplit.files.SaeConfigJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

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
    /** JumpReLU's per-latent thresholds. */
    public static final String THRESHOLD = "threshold";

    /** The SAELens release whose {@code cfg.json} layout {@link #write} produces. */
    public static final String SAE_LENS_FORMAT_VERSION = "6.0.0";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private SaeLensFormat() {
    }

    /**
     * Writes {@code weights} into {@code directory} (created if absent).
     *
     * @param log10FiringFrequency per latent, log10(firing frequency + 1e-10), as SAELens stores it
     */
    public static void write(Path directory, SaeWeights weights, float[] log10FiringFrequency) {
        SaeConfig config = weights.config();
        try {
            Files.createDirectories(directory);
            List<NamedTensor> tensors = new ArrayList<>(List.of(
                    NamedTensor.of(W_ENC, weights.encoderWeights(), config.dIn(), config.dSae()),
                    NamedTensor.of(B_ENC, weights.encoderBias(), config.dSae()),
                    NamedTensor.of(W_DEC, weights.decoderWeights(), config.dSae(), config.dIn()),
                    NamedTensor.of(B_DEC, weights.decoderBias(), config.dIn())));
            weights.threshold().ifPresent(t -> tensors.add(NamedTensor.of(THRESHOLD, t, config.dSae())));
            SafetensorsWriter.write(directory.resolve(WEIGHTS_FILE), tensors);
            writeSparsity(directory, config, log10FiringFrequency);
            Files.writeString(directory.resolve(CONFIG_FILE), JSON.writeValueAsString(configJson(config)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write SAE to " + directory, e);
        }
    }

    /** Writes {@code sparsity.safetensors}: per latent, log10(firing frequency + 1e-10). */
    public static void writeSparsity(Path directory, SaeConfig config, float[] log10FiringFrequency) {
        if (log10FiringFrequency.length != config.dSae()) {
            throw new IllegalArgumentException("sparsity holds " + log10FiringFrequency.length
                    + " values for " + config.dSae() + " latents");
        }
        SafetensorsWriter.write(directory.resolve(SPARSITY_FILE),
                List.of(NamedTensor.of(SPARSITY, log10FiringFrequency.clone(), config.dSae())));
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
            float[] threshold = config.architecture().hasThreshold()
                    ? readShaped(reader, THRESHOLD, config.dSae()) : null;
            return new SaeWeights(config, wEnc, bEnc, wDec, bDec, threshold);
        }
    }

    /**
     * The config of the SAE in {@code directory}, after the checks {@link #read} makes: every tensor present with
     * the shape and a readable dtype {@code cfg.json} implies, and finite. Each tensor is read once and let go,
     * so validating a spec checks what a run will load.
     */
    public static SaeConfig inspect(Path directory) {
        SaeConfig config = readConfig(directory.resolve(CONFIG_FILE));
        try (SafetensorsReader reader = SafetensorsReader.open(directory.resolve(WEIGHTS_FILE))) {
            readShaped(reader, W_ENC, config.dIn(), config.dSae());
            readShaped(reader, B_ENC, config.dSae());
            readShaped(reader, W_DEC, config.dSae(), config.dIn());
            readShaped(reader, B_DEC, config.dIn());
            if (config.architecture().hasThreshold()) {
                readShaped(reader, THRESHOLD, config.dSae());
            }
        }
        return config;
    }

    /**
     * The stored log10 firing frequencies, one per latent; empty when there is no {@code sparsity.safetensors}
     * (SAELens's {@code save_model} writes none).
     */
    public static Optional<float[]> readSparsity(Path directory) {
        SaeConfig config = readConfig(directory.resolve(CONFIG_FILE));
        Path file = directory.resolve(SPARSITY_FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try (SafetensorsReader reader = SafetensorsReader.open(file)) {
            return Optional.of(readShaped(reader, SPARSITY, config.dSae()));
        }
    }

    /** Reads and validates {@code cfg.json}. */
    public static SaeConfig readConfig(Path cfgFile) {
        JsonNode cfg = readConfigObject(cfgFile, JSON, "does not exist");
        // Older SAELens configs keep model_name and hook_name at the top level instead of under metadata.
        JsonNode metadata = cfg.has("metadata") ? cfg.get("metadata") : cfg;
        return new SaeConfig(
                positiveInt(cfg, "d_in", cfgFile),
                positiveInt(cfg, "d_sae", cfgFile),
                SaeArchitectures.fromConfig(cfg, cfgFile),
                metadata.path("model_name").asText(""),
                metadata.path("hook_name").asText(""),
                optionalBoolean(cfg, "apply_b_dec_to_input", true, cfgFile),
                normalization(cfg.get("normalize_activations"), cfgFile),
                cfg.path("dtype").asText(SaeConfig.FLOAT32),
                cfg.path("device").asText("cpu"));
    }

    /**
     * The JSON object in an SAE's config file, at most {@link SaeConfigJson#MAX_BYTES} of a regular file, read with
     * {@code json}; any other content is an {@link ArtifactCorruptException} naming the file, and a missing file one
     * saying {@code whenMissing}.
     */
    static JsonNode readConfigObject(Path cfgFile, ObjectMapper json, String whenMissing) {
        try {
            return SaeConfigJson.readObject(cfgFile, json);
        } catch (SaeConfigJson.Refusal e) {
            throw switch (e.part()) {
                case MISSING -> new ArtifactCorruptException(cfgFile, "file", whenMissing, e.getCause());
                case FILE -> new ArtifactCorruptException(cfgFile, "file", e.problem(), e.getCause());
                case CONTENT -> new ArtifactCorruptException(cfgFile, "content", e.problem(), e.getCause());
            };
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + cfgFile, e);
        }
    }

    static ObjectNode configJson(SaeConfig config) {
        ObjectNode cfg = JSON.createObjectNode();
        cfg.put("architecture", config.architecture().name());
        cfg.put("d_in", config.dIn());
        cfg.put("d_sae", config.dSae());
        cfg.put("dtype", SaeConfig.FLOAT32); // write() stores every tensor as float32, whatever it was read from
        cfg.put("device", config.device());
        cfg.put("apply_b_dec_to_input", config.applyBDecToInput());
        cfg.put("normalize_activations", config.normalizeActivations().configName());
        config.architecture().writeConfigFields(cfg);
        ObjectNode metadata = cfg.putObject("metadata");
        metadata.put("model_name", config.modelName());
        metadata.put("hook_name", config.hookName());
        // Without it SAELens 6 takes the file for a pre-6.0 config and drops model_name and hook_name.
        metadata.put("sae_lens_version", SAE_LENS_FORMAT_VERSION);
        return cfg;
    }

    private static float[] readShaped(SafetensorsReader reader, String name, long... expectedShape) {
        checkShape(reader, name, expectedShape);
        float[] values = reader.read(name).values();
        int bad = FiniteValues.firstNonFinite(values);
        if (bad >= 0) {
            throw new ArtifactCorruptException(reader.file(), "tensor '" + name + "'",
                    FiniteValues.problem(values, bad));
        }
        return values;
    }

    private static void checkShape(SafetensorsReader reader, String name, long... expectedShape) {
        long[] shape = reader.checkedEntry(name).shape();
        if (!Arrays.equals(shape, expectedShape)) {
            throw new ArtifactCorruptException(reader.file(), "tensor '" + name + "'", "has shape "
                    + Arrays.toString(shape) + " but cfg.json implies " + Arrays.toString(expectedShape));
        }
    }

    /** Older SAELens configs store a missing normalisation as null, or as a boolean. */
    private static ActivationNormalization normalization(JsonNode value, Path cfgFile) {
        if (value == null || value.isNull() || value.isBoolean() && !value.booleanValue()) {
            return ActivationNormalization.NONE;
        }
        if (!value.isTextual()) {
            throw new ArtifactCorruptException(cfgFile, "normalize_activations", "expected a mode name, got " + describe(value));
        }
        return ActivationNormalization.fromConfig(value.textValue(), cfgFile);
    }
}
