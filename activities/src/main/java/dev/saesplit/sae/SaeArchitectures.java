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
            TopKArchitecture.NAME, cfg -> new TopKArchitecture(topKValue(cfg), rescaleByDecoderNorm(cfg))));

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
        JsonNode value = cfg.get("rescale_acts_by_decoder_norm");
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw new IllegalArgumentException("rescale_acts_by_decoder_norm must be true or false, was " + value);
        }
        return value.booleanValue();
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
