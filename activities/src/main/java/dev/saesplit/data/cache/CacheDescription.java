package dev.saesplit.data.cache;

import dev.saesplit.spec.CacheDtype;

/**
 * What a cache holds activations of: the model, the hook point, and the activation width.
 *
 * @param model         model name, e.g. {@code gelu-1l} ({@code synthetic} for generated data)
 * @param hook          hook point, e.g. {@code blocks.0.hook_mlp_out}
 * @param dIn           activation width
 * @param modelLoading  how the language model was loaded; {@code null} for activations not cached from one
 * @param dtype         the element type the activation files store
 */
public record CacheDescription(String model, String hook, int dIn, ModelProvenance modelLoading, CacheDtype dtype) {

    public CacheDescription(String model, String hook, int dIn) {
        this(model, hook, dIn, null);
    }

    public CacheDescription(String model, String hook, int dIn, ModelProvenance modelLoading) {
        this(model, hook, dIn, modelLoading, CacheDtype.FLOAT32);
    }

    public CacheDescription {
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("model must be named");
        }
        if (hook == null || hook.isBlank()) {
            throw new IllegalArgumentException("hook must be named");
        }
        if (dIn <= 0) {
            throw new IllegalArgumentException("dIn must be positive, got " + dIn);
        }
        dtype = dtype == null ? CacheDtype.FLOAT32 : dtype;
    }
}
