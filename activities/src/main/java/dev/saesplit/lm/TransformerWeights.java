package dev.saesplit.lm;

import dev.saesplit.data.FiniteValues;
import dev.saesplit.digest.Sha256;
import dev.saesplit.sae.safetensors.NamedTensor;
import dev.saesplit.spec.WeightProcessing;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A transformer's parameters on the host, under TransformerLens names, each checked against the config for
 * presence and exact shape. {@link #load} reads any of the accepted checkpoint formats; see
 * {@code docs/language-model.md}.
 */
public final class TransformerWeights {

    private static final System.Logger LOG = System.getLogger(TransformerWeights.class.getName());

    private final TransformerConfig config;
    private final Map<String, NamedTensor> tensors;
    private final String source;
    private final List<String> filledWithZeros;
    private volatile String contentHash;

    private TransformerWeights(TransformerConfig config, Map<String, NamedTensor> tensors, String source,
                               List<String> filledWithZeros) {
        this.config = config;
        this.tensors = tensors;
        this.source = source;
        this.filledWithZeros = List.copyOf(filledWithZeros);
    }

    /**
     * Loads a model from its directory or its weights file, with {@code config.json} beside the weights:
     * TransformerLens-named safetensors or {@code torch.save} state dict with a TransformerLens config, or a
     * HuggingFace GPT-2 checkpoint (safetensors or {@code pytorch_model.bin}) with its HuggingFace config.
     *
     * @throws ModelConfigException  if the config is missing, malformed or describes an unsupported model
     * @throws ModelWeightsException if a tensor is missing, misshapen or unexpected
     */
    public static TransformerWeights load(Path modelPath) {
        ModelFiles files = ModelFiles.locate(modelPath);
        ConfigJson json = ConfigJson.read(files.config());
        String configFile = files.config().getFileName().toString();
        boolean gpt2 = HuggingFaceGpt2.isGpt2Config(json);
        TransformerConfig config = config(json);
        try (TensorSource source = files.open()) {
            if (gpt2) {
                Map<String, float[]> values = HuggingFaceGpt2.readAsTransformerLens(source, config, configFile);
                requireFinite(files.weights(), values);
                return of(config, values, files.weights().toString());
            }
            ExpectedTensors expected = TransformerLensLayout.expected(config, configFile);
            List<String> filled = expected.check(source.file(), source.shapes());
            if (!filled.isEmpty()) {
                LOG.log(System.Logger.Level.WARNING, "{0} has no {1}; filled with zeros, as TransformerLens "
                        + "fills a missing bias", files.weights().getFileName(), filled);
            }
            Map<String, float[]> values = expected.readFrom(source);
            requireFinite(files.weights(), values);
            return of(config, values, files.weights().toString(), filled);
        }
    }

    /** Refuses a NaN or an infinity in any weight read, naming the tensor. */
    private static void requireFinite(Path file, Map<String, float[]> values) {
        values.forEach((name, tensor) -> requireFinite(file, name, tensor));
    }

    private static void requireFinite(Path file, String name, float[] tensor) {
        int bad = FiniteValues.firstNonFinite(tensor);
        if (bad >= 0) {
            throw new ModelWeightsException(file, ModelWeightsException.tensor(name), FiniteValues.problem(tensor, bad));
        }
    }

    /**
     * Checks the model at {@code modelPath} as {@link #load} does, from the weights file's header alone (a
     * safetensors header, a {@code torch.save} archive's pickle; no tensor values are read): the config, and every
     * tensor's presence and shape. Fails with the exception {@link #load} would throw, naming the tensor.
     *
     * @return the config, and the missing biases that loading fills with zeros
     */
    public static ModelHeader readHeader(Path modelPath) {
        return inspect(modelPath, false);
    }

    /**
     * {@link #readHeader}'s checks, then every tensor {@link #load} reads, one at a time, refused as {@link #load}
     * refuses a NaN or an infinity, naming the tensor: what {@code validate} runs, so that a spec that validates
     * does not fail on its weights when caching starts. Holds one tensor in memory at a time.
     */
    public static ModelHeader check(Path modelPath) {
        return inspect(modelPath, true);
    }

    private static ModelHeader inspect(Path modelPath, boolean readValues) {
        ModelFiles files = ModelFiles.locate(modelPath);
        ConfigJson json = ConfigJson.read(files.config());
        String configFile = files.config().getFileName().toString();
        TransformerConfig config = config(json);
        try (TensorSource source = files.open()) {
            // A HuggingFace checkpoint's expected tensors fill nothing, so the list is empty for one.
            ExpectedTensors expected = HuggingFaceGpt2.isGpt2Config(json)
                    ? HuggingFaceGpt2.expected(source, config, configFile)
                    : TransformerLensLayout.expected(config, configFile);
            Map<String, long[]> present = source.shapes();
            List<String> filled = expected.check(source.file(), present);
            if (readValues) {
                for (String name : present.keySet()) {
                    if (expected.reads(name)) {
                        requireFinite(files.weights(), name, source.read(name));
                    }
                }
            }
            return new ModelHeader(config, filled);
        }
    }

    /** What a model's config and weights header say, read without the weights' values. */
    public record ModelHeader(TransformerConfig config, List<String> filledWithZeros) {
    }

    private static TransformerConfig config(ConfigJson json) {
        if (HuggingFaceGpt2.isGpt2Config(json)) {
            return HuggingFaceGpt2.config(json);
        }
        return TransformerLensConfigFile.parse(json);
    }

    /**
     * Weights built in memory (tests, conversions), keyed by TransformerLens name; every parameter the config
     * implies must be there with the right number of values, and nothing else.
     *
     * @param source where they came from, for messages
     */
    public static TransformerWeights of(TransformerConfig config, Map<String, float[]> values, String source) {
        return of(config, values, source, List.of());
    }

    /** As {@link #of(TransformerConfig, Map, String)}, recording the biases the file lacked (zeros in values). */
    static TransformerWeights of(TransformerConfig config, Map<String, float[]> values, String source,
                                 List<String> filledWithZeros) {
        Objects.requireNonNull(config, "config");
        Map<String, long[]> shapes = TransformerLensLayout.shapes(config);
        if (!shapes.keySet().equals(values.keySet())) {
            throw new IllegalArgumentException(source + ": tensors " + values.keySet()
                    + " are not the parameters the config implies " + shapes.keySet());
        }
        Map<String, NamedTensor> tensors = new LinkedHashMap<>();
        shapes.forEach((name, shape) -> tensors.put(name, new NamedTensor(name, shape, values.get(name))));
        return new TransformerWeights(config, Collections.unmodifiableMap(tensors), source, filledWithZeros);
    }

    /** These weights as {@code processing} leaves them; themselves for {@link WeightProcessing#NONE}. */
    public TransformerWeights processed(WeightProcessing processing) {
        return switch (processing) {
            case NONE -> this;
            case FROM_PRETRAINED -> FromPretrainedProcessing.process(this);
        };
    }

    /** The biases the weights file lacked and that were filled with zeros, as TransformerLens fills them. */
    public List<String> filledWithZeros() {
        return filledWithZeros;
    }

    public TransformerConfig config() {
        return config;
    }

    /** Every parameter by TransformerLens name, in canonical order; the arrays are shared, not copied. */
    public Map<String, NamedTensor> tensors() {
        return tensors;
    }

    /** One parameter by TransformerLens name, e.g. {@code unembed.W_U [d_model, d_vocab]}. */
    public NamedTensor tensor(String name) {
        NamedTensor tensor = tensors.get(name);
        if (tensor == null) {
            throw new IllegalArgumentException("no parameter '" + name + "' in " + source);
        }
        return tensor;
    }

    /** The file the weights were read from, or what built them. */
    public String source() {
        return source;
    }

    /**
     * SHA-256 (hex) of the config's arithmetic and every parameter's name, shape and float32 value, in
     * canonical order: the same model gives the same hash whichever format it was read from, so it keys
     * caches of activations.
     */
    public String contentHash() {
        String hash = contentHash;
        if (hash == null) {
            hash = computeContentHash();
            contentHash = hash;
        }
        return hash;
    }

    private String computeContentHash() {
        MessageDigest digest = Sha256.newDigest();
        // The name is a label, not arithmetic, so it stays out of the hash.
        TransformerConfig c = config;
        digest.update(String.join(",", "layers=" + c.nLayers(), "d_model=" + c.dModel(), "d_head=" + c.dHead(),
                "n_heads=" + c.nHeads(), "d_mlp=" + c.dMlp(), "d_vocab=" + c.dVocab(), "n_ctx=" + c.nCtx(),
                "act_fn=" + c.actFn().configName(), "norm=" + c.normalization().configName(), "eps=" + c.eps())
                .getBytes(StandardCharsets.UTF_8));
        ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (NamedTensor tensor : tensors.values()) {
            digest.update((tensor.name() + Arrays.toString(tensor.shape())).getBytes(StandardCharsets.UTF_8));
            float[] values = tensor.values();
            for (int from = 0; from < values.length; from += buffer.capacity() / 4) {
                int count = Math.min(buffer.capacity() / 4, values.length - from);
                buffer.clear();
                buffer.asFloatBuffer().put(values, from, count);
                buffer.limit(4 * count);
                digest.update(buffer);
            }
        }
        return Sha256.hex(digest);
    }
}
