package dev.saesplit.lm;

import java.util.Objects;

/**
 * The shape and arithmetic of a decoder-only transformer, in TransformerLens's terms
 * ({@code HookedTransformerConfig}). Only standard (learned, absolute) positional embeddings are supported.
 * {@link TransformerLensConfigFile} reads one from {@code config.json}; sizes must be positive.
 *
 * @param modelName     {@code model_name}, for people and cache keys; TransformerLens's default is "custom"
 * @param nLayers       {@code n_layers}
 * @param dModel        {@code d_model}, the residual stream width
 * @param dHead         {@code d_head}; {@code n_heads * d_head} need not equal {@code d_model}
 * @param nHeads        {@code n_heads}
 * @param dMlp          {@code d_mlp}, the MLP hidden width
 * @param dVocab        {@code d_vocab}
 * @param nCtx          {@code n_ctx}, the longest sequence the positional embedding covers
 * @param actFn         {@code act_fn}
 * @param normalization {@code normalization_type}
 * @param eps           {@code eps}, added to the variance inside every LayerNorm
 */
public record TransformerConfig(
        String modelName,
        int nLayers,
        int dModel,
        int dHead,
        int nHeads,
        int dMlp,
        int dVocab,
        int nCtx,
        ActivationFunction actFn,
        Normalization normalization,
        double eps) {

    public static final String DEFAULT_MODEL_NAME = "custom";
    public static final double DEFAULT_EPS = 1e-5;

    public TransformerConfig {
        Objects.requireNonNull(modelName, "model_name");
        Objects.requireNonNull(actFn, "act_fn");
        Objects.requireNonNull(normalization, "normalization_type");
        requirePositive("n_layers", nLayers);
        requirePositive("d_model", dModel);
        requirePositive("d_head", dHead);
        requirePositive("n_heads", nHeads);
        requirePositive("d_mlp", dMlp);
        requirePositive("d_vocab", dVocab);
        requirePositive("n_ctx", nCtx);
        if (!(eps > 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("eps must be a positive finite number, was " + eps);
        }
    }

    /** {@code n_heads * d_head}: the width of the concatenated head outputs. */
    public int attentionWidth() {
        return nHeads * dHead;
    }

    private static void requirePositive(String field, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(field + " must be positive, was " + value);
        }
    }
}
