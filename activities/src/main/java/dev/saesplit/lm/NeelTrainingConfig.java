package dev.saesplit.lm;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The {@code config.json} of a model trained by Neel Nanda's {@code solu_project} (gelu-1l and its siblings): the
 * training run's own config, which TransformerLens maps with {@code convert_neel_model_config}. Every key that
 * mapping reads is read here ({@code normalization}, {@code shortformer_pos}, {@code attn_only}, {@code final_rms},
 * {@code act_fn}, the sizes, {@code architecture}); {@code ln_eps}, which it does not read, is checked as well,
 * since TransformerLens then runs with its default eps. Training settings (learning rate, batch size, devices,
 * tokenizer name) do not change the arithmetic and are not read, as TransformerLens does not read them.
 */
final class NeelTrainingConfig {

    /** convert_neel_model_config's default architecture; "neel-solu-old" needs a weight conversion. */
    private static final String ARCHITECTURE = "neel";

    private NeelTrainingConfig() {
    }

    /** Whether {@code json} is such a training config: it has keys that TransformerLens's own config never has. */
    static boolean isNeelConfig(ConfigJson json) {
        return json.has("normalization") || json.has("shortformer_pos");
    }

    static TransformerConfig parse(ConfigJson json) {
        String architecture = json.text("architecture", ARCHITECTURE);
        if (!ARCHITECTURE.equals(architecture)) {
            throw json.fail("architecture", "'" + architecture + "' is not implemented; only '" + ARCHITECTURE
                    + "' is (TransformerLens converts the weights of older architectures, saesplit does not)");
        }
        // convert_neel_model_config reads cfg_json["attn_only"] unconditionally: absent is an error there too.
        if (json.bool("attn_only", null)) {
            throw json.fail("attn_only", "is true: attention-only models have no MLP, which is not implemented");
        }
        if (json.bool("final_rms", false)) {
            throw json.fail("final_rms", "is true: RMS normalisation before the unembedding is not implemented");
        }
        if (json.bool("shortformer_pos", false)) {
            throw json.fail("shortformer_pos", "is true: shortformer positions (added to queries and keys only) "
                    + "are not implemented");
        }
        String normalizationKey = json.has("normalization") ? "normalization" : "normalization_type";
        String normalizationName = json.text(normalizationKey, null);
        Normalization normalization = Normalization.fromConfigName(normalizationName).orElseThrow(() ->
                json.fail(normalizationKey, "'" + normalizationName + "' is not implemented; supported: "
                        + Normalization.configNames()));
        requireDefaultEps(json);
        return new TransformerConfig(
                json.text("model_name", TransformerConfig.DEFAULT_MODEL_NAME),
                json.positiveInt("n_layers"),
                json.positiveInt("d_model"),
                json.positiveInt("d_head"),
                json.positiveInt("n_heads"),
                json.positiveInt("d_mlp"),
                json.positiveInt("d_vocab"),
                json.positiveInt("n_ctx"),
                json.activation("act_fn"),
                normalization,
                TransformerConfig.DEFAULT_EPS);
    }

    /**
     * The mapping leaves {@code ln_eps} behind, so TransformerLens normalises with its default 1e-5 whatever the
     * model was trained with. Where the two differ no choice reproduces both, so it is refused.
     */
    private static void requireDefaultEps(ConfigJson json) {
        JsonNode eps = json.get("ln_eps");
        if (eps != null && !eps.isNull()
                && !(eps.isNumber() && Math.abs(eps.asDouble() - TransformerConfig.DEFAULT_EPS) <= 1e-12)) {
            throw json.fail("ln_eps", "is " + eps + ", but TransformerLens ignores it and normalises with eps "
                    + TransformerConfig.DEFAULT_EPS + ": the model would not compute what it was trained to, so "
                    + "only " + TransformerConfig.DEFAULT_EPS + " is accepted");
        }
    }
}
