package dev.saesplit.sae;

import dev.saesplit.artifact.ArtifactCorruptException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/** The registry of architectures by their {@code cfg.json} name. A new architecture is one class and one line here. */
public final class SaeArchitectures {

    private static final Map<String, Function<JsonNode, SaeArchitecture>> BY_NAME = new TreeMap<>(Map.of(
            StandardArchitecture.NAME, cfg -> new StandardArchitecture(),
            TopKArchitecture.NAME, cfg -> new TopKArchitecture(topKValue(cfg), rescaleByDecoderNorm(cfg)),
            JumpReLUArchitecture.NAME, cfg -> new JumpReLUArchitecture(
                    number(cfg, "jumprelu_init_threshold", JumpReLUArchitecture.DEFAULT_INIT_THRESHOLD),
                    number(cfg, "jumprelu_bandwidth", JumpReLUArchitecture.DEFAULT_BANDWIDTH),
                    flag(cfg, "jumprelu_ste_to_input", false))));

    private SaeArchitectures() {
    }

    /** The names that can be read. */
    public static Set<String> names() {
        return Collections.unmodifiableSet(BY_NAME.keySet());
    }

    /**
     * The architecture a {@code cfg.json} describes. Older SAELens configs name no architecture and mean
     * the standard one.
     */
    public static SaeArchitecture fromConfig(JsonNode cfg, Path cfgFile) {
        String name = cfg.path("architecture").asText(StandardArchitecture.NAME);
        Function<JsonNode, SaeArchitecture> factory = BY_NAME.get(name);
        if (factory == null) {
            throw new ArtifactCorruptException(cfgFile, "architecture",
                    "unknown architecture '" + name + "'; known: " + BY_NAME.keySet());
        }
        try {
            return factory.apply(cfg);
        } catch (IllegalArgumentException e) {
            throw new ArtifactCorruptException(cfgFile, "architecture", e.getMessage(), e);
        }
    }

    /** SAELens's TopK {@code rescale_acts_by_decoder_norm}, false when absent (older configs). */
    private static boolean rescaleByDecoderNorm(JsonNode cfg) {
        return flag(cfg, "rescale_acts_by_decoder_norm", false);
    }

    /** A true/false field, {@code absent} when missing or null. */
    static boolean flag(JsonNode cfg, String field, boolean absent) {
        JsonNode value = cfg.get(field);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.isBoolean()) {
            throw new IllegalArgumentException(field + " must be true or false, was "
                    + SaeConfigFields.describe(value));
        }
        return value.booleanValue();
    }

    /** A numeric field, {@code absent} when missing or null. */
    static double number(JsonNode cfg, String field, double absent) {
        JsonNode value = cfg.get(field);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.isNumber()) {
            throw new IllegalArgumentException(field + " must be a number, was " + SaeConfigFields.describe(value));
        }
        return value.doubleValue();
    }

    /** {@code k} is top-level in current SAELens configs, under {@code activation_fn_kwargs} in older ones. */
    private static int topKValue(JsonNode cfg) {
        JsonNode k = cfg.has("k") ? cfg.get("k") : cfg.path("activation_fn_kwargs").path("k");
        if (!k.isIntegralNumber() || !k.canConvertToInt()) {
            throw new IllegalArgumentException("topk config has no integer field 'k'");
        }
        return k.asInt();
    }
}
