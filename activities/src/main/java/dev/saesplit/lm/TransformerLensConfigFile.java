package dev.saesplit.lm;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;

/**
 * Reads a {@link TransformerConfig} from a {@code config.json} holding TransformerLens's
 * {@code HookedTransformerConfig} fields, or the training config of one of Neel Nanda's models, which TransformerLens
 * maps to those fields. Keys that do not change the arithmetic (devices, seeds, initialisation,
 * which hooks exist, rotary settings of a model without rotary positions) are not read, but every setting that
 * would change it in a way the engine does not implement is an error rather than a silently different model.
 */
public final class TransformerLensConfigFile {

    /** A field whose non-default value means an architecture this engine does not run. */
    private record UnsupportedSetting(String field, Predicate<JsonNode> isUnsupported, String why) {
    }

    private static final List<UnsupportedSetting> UNSUPPORTED = List.of(
            new UnsupportedSetting("attn_only", JsonNode::asBoolean, "attention-only models have no MLP"),
            new UnsupportedSetting("gated_mlp", JsonNode::asBoolean, "gated MLPs are not implemented"),
            new UnsupportedSetting("parallel_attn_mlp", JsonNode::asBoolean,
                    "parallel attention and MLP are not implemented"),
            new UnsupportedSetting("final_rms", JsonNode::asBoolean, "RMS normalisation is not implemented"),
            new UnsupportedSetting("use_attn_scale", v -> !v.asBoolean(true),
                    "attention is always scaled by 1/sqrt(d_head)"),
            new UnsupportedSetting("scale_attn_by_inverse_layer_idx", JsonNode::asBoolean,
                    "per-layer attention scaling is not implemented"),
            new UnsupportedSetting("use_local_attn", JsonNode::asBoolean, "local attention is not implemented"),
            new UnsupportedSetting("n_key_value_heads", v -> !v.isNull(),
                    "grouped-query attention is not implemented"),
            new UnsupportedSetting("attention_dir", v -> !"causal".equals(v.asText()),
                    "only causal attention is implemented"),
            new UnsupportedSetting("post_embedding_ln", JsonNode::asBoolean,
                    "a LayerNorm after the embedding is not implemented"),
            new UnsupportedSetting("use_normalization_before_and_after", JsonNode::asBoolean,
                    "normalisation after each sublayer is not implemented"),
            new UnsupportedSetting("use_qk_norm", JsonNode::asBoolean, "query/key normalisation is not implemented"),
            new UnsupportedSetting("attn_scores_soft_cap", v -> v.asDouble(-1) > 0,
                    "attention score soft-capping is not implemented"),
            new UnsupportedSetting("output_logits_soft_cap", v -> v.asDouble(-1) > 0,
                    "logit soft-capping is not implemented"),
            new UnsupportedSetting("num_experts", v -> !v.isNull(), "mixture-of-experts MLPs are not implemented"),
            new UnsupportedSetting("clip_qkv", v -> !v.isNull(), "clipping queries, keys and values is not implemented"),
            new UnsupportedSetting("use_attention_sinks", JsonNode::asBoolean, "attention sinks are not implemented"),
            new UnsupportedSetting("use_logn_attn", JsonNode::asBoolean, "log-n attention scaling is not implemented"),
            new UnsupportedSetting("uses_rms_norm", JsonNode::asBoolean, "RMS normalisation is not implemented"));

    private static final String STANDARD_POSITIONS = "standard";

    private TransformerLensConfigFile() {
    }

    /** Reads and validates {@code file}. */
    public static TransformerConfig read(Path file) {
        return parse(ConfigJson.read(file));
    }

    /** A training config of Neel Nanda's models is mapped as TransformerLens maps it ({@link NeelTrainingConfig}). */
    static TransformerConfig parse(ConfigJson json) {
        if (NeelTrainingConfig.isNeelConfig(json)) {
            return NeelTrainingConfig.parse(json);
        }
        for (UnsupportedSetting setting : UNSUPPORTED) {
            JsonNode value = json.get(setting.field());
            if (value != null && setting.isUnsupported().test(value)) {
                throw json.fail(setting.field(), "is " + value + ": " + setting.why());
            }
        }
        String positions = json.text("positional_embedding_type", STANDARD_POSITIONS);
        if (!positions.equals(STANDARD_POSITIONS)) {
            throw json.fail("positional_embedding_type", "'" + positions + "' is not implemented; only '"
                    + STANDARD_POSITIONS + "' (learned absolute positions) is");
        }
        int dModel = json.positiveInt("d_model");
        int dHead = json.positiveInt("d_head");
        requireDefaultAttentionScale(json, dHead);
        requireUnembedWidth(json, json.positiveInt("d_vocab"));
        return new TransformerConfig(
                json.text("model_name", TransformerConfig.DEFAULT_MODEL_NAME),
                json.positiveInt("n_layers"),
                dModel,
                dHead,
                heads(json, dModel, dHead),
                json.positiveInt("d_mlp"),
                json.positiveInt("d_vocab"),
                json.positiveInt("n_ctx"),
                json.activation("act_fn"),
                normalization(json),
                json.positiveNumber("eps", TransformerConfig.DEFAULT_EPS));
    }

    /** TransformerLens stores the scale it will use, sqrt(d_head), or -1 before it has computed it. */
    private static void requireDefaultAttentionScale(ConfigJson json, int dHead) {
        JsonNode scale = json.get("attn_scale");
        if (scale != null && scale.isNumber() && scale.asDouble() > 0
                && Math.abs(scale.asDouble() - Math.sqrt(dHead)) > 1e-6 * Math.sqrt(dHead)) {
            throw json.fail("attn_scale", "is " + scale + ", not sqrt(d_head) = " + Math.sqrt(dHead)
                    + ": other attention scales are not implemented");
        }
    }

    /** {@code d_vocab_out} -1 means {@code d_vocab}; another width is an output vocabulary not implemented. */
    private static void requireUnembedWidth(ConfigJson json, int dVocab) {
        JsonNode out = json.get("d_vocab_out");
        if (out != null && !out.isNull() && out.asInt(0) != -1 && !(out.isIntegralNumber() && out.asInt() == dVocab)) {
            throw json.fail("d_vocab_out", "is " + out + ", not d_vocab " + dVocab + ": an unembedding to another "
                    + "vocabulary is not implemented");
        }
    }

    /** TransformerLens derives {@code n_heads} from {@code d_model / d_head} when it is absent or -1. */
    private static int heads(ConfigJson json, int dModel, int dHead) {
        JsonNode value = json.get("n_heads");
        if (value == null || value.isNull() || (value.isIntegralNumber() && value.asInt() == -1)) {
            if (dModel % dHead != 0) {
                throw json.fail("n_heads", "absent, and d_model " + dModel + " is not a multiple of d_head " + dHead);
            }
            return dModel / dHead;
        }
        return json.positiveInt("n_heads");
    }

    /** Absent means TransformerLens's default, LN; JSON null means no normalisation. */
    private static Normalization normalization(ConfigJson json) {
        if (!json.has("normalization_type")) {
            return Normalization.LN;
        }
        String name = json.text("normalization_type", null);
        return Normalization.fromConfigName(name).orElseThrow(() -> json.fail("normalization_type", "'" + name
                + "' is not implemented; supported: " + Normalization.configNames()));
    }
}
