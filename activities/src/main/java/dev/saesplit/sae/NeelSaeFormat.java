package dev.saesplit.sae;

import static dev.saesplit.sae.SaeConfigFields.positiveInt;
import static dev.saesplit.sae.SaeConfigFields.text;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.saesplit.artifact.ArtifactCorruptException;
import dev.saesplit.data.FiniteValues;
import dev.saesplit.lm.pth.StateDictWriter;
import dev.saesplit.lm.pth.TorchCheckpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * SAEs in the format of Neel Nanda's 1L-Sparse-Autoencoder, in which the published gelu-1l studies keep theirs:
 * {@code N.pt}, a {@code torch.save} state dict of {@code W_enc [d_in, d_sae]}, {@code W_dec [d_sae, d_in]},
 * {@code b_enc [d_sae]} and {@code b_dec [d_in]}, beside {@code N_cfg.json}, the training config ({@code act_size}
 * is d_in, {@code dict_size} or {@code act_size × dict_mult} is d_sae, {@code act_name} the hook). Its encoder is
 * ReLU((x − b_dec) W_enc + b_enc), the {@link StandardArchitecture} with b_dec subtracted from the input, so an SAE
 * read here is an SAELens-layout SAE of that architecture. Files are read through {@link TorchCheckpoint}, which
 * executes nothing from the pickle.
 */
public final class NeelSaeFormat {

    public static final String WEIGHTS_SUFFIX = ".pt";
    public static final String CONFIG_SUFFIX = "_cfg.json";
    /** What {@code imported_from.json} and messages call this format. */
    public static final String FORMAT_NAME = "1L-Sparse-Autoencoder";

    private static final Set<String> TENSORS = Set.of(SaeLensFormat.W_ENC, SaeLensFormat.B_ENC,
            SaeLensFormat.W_DEC, SaeLensFormat.B_DEC);
    /** The repository's {@code enc_dtype} names, as SAELens's dtype names. */
    private static final Map<String, String> DTYPES = Map.of("fp32", "float32", "fp16", "float16",
            "bf16", "bfloat16");
    /** Python's json.dump writes NaN for a float config value that is one; such a config is still a config. */
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private NeelSaeFormat() {
    }

    /** Whether {@code path} names an SAE of this format: a {@code .pt} file (its config is looked for beside it). */
    public static boolean names(Path path) {
        Path name = path.getFileName();
        return name != null && name.toString().endsWith(WEIGHTS_SUFFIX) && !Files.isDirectory(path);
    }

    /** {@code N_cfg.json} beside {@code N.pt}. */
    public static Path configFileOf(Path weightsFile) {
        String name = weightsFile.getFileName().toString();
        String stem = name.substring(0, name.length() - WEIGHTS_SUFFIX.length());
        return weightsFile.resolveSibling(stem + CONFIG_SUFFIX);
    }

    /** Reads the SAE whose weights are {@code weightsFile}, checking every tensor against its config. */
    public static SaeWeights read(Path weightsFile) {
        SaeConfig config = readConfig(configFileOf(weightsFile));
        try (TorchCheckpoint checkpoint = TorchCheckpoint.open(weightsFile)) {
            checkTensors(checkpoint, config);
            return new SaeWeights(config,
                    finite(checkpoint, SaeLensFormat.W_ENC),
                    finite(checkpoint, SaeLensFormat.B_ENC),
                    finite(checkpoint, SaeLensFormat.W_DEC),
                    finite(checkpoint, SaeLensFormat.B_DEC));
        }
    }

    /**
     * The config of the SAE at {@code weightsFile}, after checking from the archive's pickle alone (no storage is
     * read) that it holds exactly the four tensors, with the shapes its config implies: the checks {@link #read}
     * makes before reading values, cheap enough for {@code validate}.
     */
    public static SaeConfig inspect(Path weightsFile) {
        SaeConfig config = readConfig(configFileOf(weightsFile));
        try (TorchCheckpoint checkpoint = TorchCheckpoint.open(weightsFile)) {
            checkTensors(checkpoint, config);
        }
        return config;
    }

    /**
     * Writes {@code weights} as {@code weightsFile} and its config beside it, as the repository's {@code save} does
     * ({@code act_size}, {@code dict_size}, {@code dict_mult} where it is whole, {@code act_name}, {@code enc_dtype}).
     */
    public static void write(Path weightsFile, SaeWeights weights) {
        SaeConfig config = weights.config();
        new StateDictWriter()
                .put(SaeLensFormat.W_ENC, weights.encoderWeights(), config.dIn(), config.dSae())
                .put(SaeLensFormat.W_DEC, weights.decoderWeights(), config.dSae(), config.dIn())
                .put(SaeLensFormat.B_ENC, weights.encoderBias(), config.dSae())
                .put(SaeLensFormat.B_DEC, weights.decoderBias(), config.dIn())
                .write(weightsFile);
        ObjectNode cfg = JSON.createObjectNode();
        cfg.put("act_size", config.dIn());
        cfg.put("dict_size", config.dSae());
        if (config.dSae() % config.dIn() == 0) {
            cfg.put("dict_mult", config.dSae() / config.dIn());
        }
        cfg.put("act_name", config.hookName());
        cfg.put("model_name", config.modelName());
        cfg.put("enc_dtype", "fp32");
        try {
            Files.writeString(configFileOf(weightsFile), JSON.writeValueAsString(cfg));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + configFileOf(weightsFile), e);
        }
    }

    /** Reads and checks {@code N_cfg.json}: a JSON object with a whole {@code act_size} and the dictionary's size. */
    public static SaeConfig readConfig(Path cfgFile) {
        JsonNode cfg = SaeLensFormat.readConfigObject(cfgFile, JSON, "does not exist; a " + FORMAT_NAME
                + " SAE N.pt keeps its config in N" + CONFIG_SUFFIX + " beside it");
        int dIn = positiveInt(cfg, "act_size", cfgFile);
        int dSae = dictionarySize(cfg, dIn, cfgFile);
        String enc = text(cfg, "enc_dtype", "fp32", cfgFile);
        String dtype = DTYPES.get(enc);
        if (dtype == null) {
            throw new ArtifactCorruptException(cfgFile, "enc_dtype", "expected fp32, fp16 or bf16, got \""
                    + enc.replaceAll("[^\\w.-]", "?") + "\"");
        }
        return new SaeConfig(dIn, dSae, new StandardArchitecture(), text(cfg, "model_name", "", cfgFile),
                text(cfg, "act_name", "", cfgFile), true, ActivationNormalization.NONE, dtype, "cpu");
    }

    /** {@code dict_size} where the config has it (the repository derives it), else {@code act_size × dict_mult}. */
    private static int dictionarySize(JsonNode cfg, int dIn, Path cfgFile) {
        Integer mult = cfg.hasNonNull("dict_mult") ? positiveInt(cfg, "dict_mult", cfgFile) : null;
        if (cfg.hasNonNull("dict_size")) {
            int size = positiveInt(cfg, "dict_size", cfgFile);
            if (mult != null && (long) mult * dIn != size) {
                throw new ArtifactCorruptException(cfgFile, "dict_size", "is " + size + " but act_size " + dIn
                        + " × dict_mult " + mult + " is " + (long) mult * dIn);
            }
            return size;
        }
        if (mult == null) {
            throw new ArtifactCorruptException(cfgFile, "dict_mult", "missing: neither dict_size nor dict_mult "
                    + "says how many latents the SAE has");
        }
        long size = (long) mult * dIn;
        if (size > Integer.MAX_VALUE) {
            throw new ArtifactCorruptException(cfgFile, "dict_mult", "act_size " + dIn + " × dict_mult " + mult
                    + " is more latents than any SAE file can hold");
        }
        return (int) size;
    }

    /** Exactly the four tensors, each with the shape the config implies (the repository loads strictly). */
    private static void checkTensors(TorchCheckpoint checkpoint, SaeConfig config) {
        Map<String, long[]> shapes = checkpoint.shapes();
        Set<String> extra = new TreeSet<>(shapes.keySet());
        extra.removeAll(TENSORS);
        if (!extra.isEmpty()) {
            throw new ArtifactCorruptException(checkpoint.file(), "state dict", "holds tensors " + extra
                    + " that an SAE of this format does not have (expected W_enc, W_dec, b_enc, b_dec)");
        }
        checkShape(checkpoint, shapes, SaeLensFormat.W_ENC, config.dIn(), config.dSae());
        checkShape(checkpoint, shapes, SaeLensFormat.B_ENC, config.dSae());
        checkShape(checkpoint, shapes, SaeLensFormat.W_DEC, config.dSae(), config.dIn());
        checkShape(checkpoint, shapes, SaeLensFormat.B_DEC, config.dIn());
    }

    private static void checkShape(TorchCheckpoint checkpoint, Map<String, long[]> shapes, String name,
                                   long... expected) {
        long[] shape = shapes.get(name);
        if (shape == null) {
            throw new ArtifactCorruptException(checkpoint.file(), "tensor '" + name + "'", "missing; the state "
                    + "dict holds " + shapes.keySet());
        }
        if (!Arrays.equals(shape, expected)) {
            throw new ArtifactCorruptException(checkpoint.file(), "tensor '" + name + "'", "has shape "
                    + Arrays.toString(shape) + " but " + configFileOf(checkpoint.file()).getFileName()
                    + " implies " + Arrays.toString(expected));
        }
    }

    /** A NaN or infinity in an SAE's weights makes every latent it touches meaningless; such a file is refused. */
    private static float[] finite(TorchCheckpoint checkpoint, String name) {
        float[] values = checkpoint.read(name);
        int bad = FiniteValues.firstNonFinite(values);
        if (bad >= 0) {
            throw new ArtifactCorruptException(checkpoint.file(), "tensor '" + name + "'",
                    FiniteValues.problem(values, bad));
        }
        return values;
    }
}
