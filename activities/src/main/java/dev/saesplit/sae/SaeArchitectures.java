package dev.saesplit.sae;

import dev.saesplit.artifact.ArtifactCorruptException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
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
                    flag(cfg, "jumprelu_ste_to_input", false)),
            BatchTopKArchitecture.NAME, SaeArchitectures::batchTopK,
            MatryoshkaBatchTopKArchitecture.NAME, cfg -> new MatryoshkaBatchTopKArchitecture(batchTopK(cfg),
                    widths(cfg))));

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

    /**
     * The architecture an SAE trains with, by its SAELens training name, with SAELens's training defaults for
     * everything not given: {@code standard} (ReLU and the L1 penalty), {@code topk} ({@code k} latents per token,
     * trained without decoder-norm rescaling), {@code batchtopk} ({@code k} latents per token on average, rescaled by
     * decoder norms, threshold rate 0.01, AuxK coefficient 1), {@code matryoshka_batchtopk} (the same, with
     * {@code widths}) and {@code jumprelu} (threshold 0.01, bandwidth 0.05). BatchTopK, Matryoshka and JumpReLU SAEs
     * are saved as JumpReLU once trained.
     *
     * @param k      active latents per token (topk: a whole number), on average for the batch variants; ignored by
     *               standard and jumprelu
     * @param widths Matryoshka's nested group widths, the last being d_sae; empty for every other architecture
     * @throws IllegalArgumentException for an unknown name or settings that do not fit it, saying which
     */
    public static SaeArchitecture forTraining(String name, double k, List<Integer> widths) {
        boolean usesWidths = MatryoshkaBatchTopKArchitecture.NAME.equals(name);
        if (!usesWidths && !widths.isEmpty()) {
            throw new IllegalArgumentException("matryoshka widths " + widths + " given for architecture '" + name
                    + "'; only " + MatryoshkaBatchTopKArchitecture.NAME + " has groups");
        }
        return switch (name) {
            case StandardArchitecture.NAME -> new StandardArchitecture();
            case TopKArchitecture.NAME -> {
                if (k != Math.rint(k) || k < 1 || k > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("topk needs a whole k >= 1, was " + k);
                }
                yield new TopKArchitecture((int) k);
            }
            case BatchTopKArchitecture.NAME -> new BatchTopKArchitecture(k);
            case MatryoshkaBatchTopKArchitecture.NAME ->
                    new MatryoshkaBatchTopKArchitecture(new BatchTopKArchitecture(k), widths);
            case JumpReLUArchitecture.NAME -> new JumpReLUArchitecture();
            default -> throw new IllegalArgumentException("unknown architecture '" + name + "'; known: "
                    + BY_NAME.keySet());
        };
    }

    private static BatchTopKArchitecture batchTopK(JsonNode cfg) {
        JsonNode k = cfg.get("k");
        if (k == null || !k.isNumber()) {
            throw new IllegalArgumentException("batchtopk config has no numeric field 'k'");
        }
        return new BatchTopKArchitecture(k.doubleValue(), flag(cfg, "rescale_acts_by_decoder_norm", true),
                number(cfg, "topk_threshold_lr", BatchTopKArchitecture.DEFAULT_TOPK_THRESHOLD_LR),
                number(cfg, "aux_loss_coefficient", BatchTopKArchitecture.DEFAULT_AUX_LOSS_COEFFICIENT));
    }

    private static List<Integer> widths(JsonNode cfg) {
        JsonNode widths = cfg.get("matryoshka_widths");
        if (widths == null || !widths.isArray()) {
            throw new IllegalArgumentException("matryoshka_batchtopk config has no list 'matryoshka_widths'");
        }
        if (flag(cfg, "use_matryoshka_aux_loss", false)) {
            throw new IllegalArgumentException("use_matryoshka_aux_loss=true is not supported");
        }
        List<Integer> values = new ArrayList<>();
        for (JsonNode width : widths) {
            if (!width.isIntegralNumber() || !width.canConvertToInt()) {
                throw new IllegalArgumentException("matryoshka_widths holds " + SaeConfigFields.describe(width)
                        + ", not a whole number");
            }
            values.add(width.intValue());
        }
        return values;
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
