package dev.saesplit.data.stream;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.saesplit.lm.HookPoint;
import dev.saesplit.lm.ModelSourceException;
import dev.saesplit.lm.Transformer;

/**
 * The one place a model's rows are computed from contexts' token ids. Caches and streams both compute rows here,
 * so a stream that forwards the same batches as a cache gives the cache's rows bit for bit.
 */
public final class ForwardPass {

    private ForwardPass() {
    }

    /**
     * The activations at {@code hook} of {@code contexts} consecutive contexts whose token ids are {@code ids}
     * (row-major {@code [contexts, contextSize]}), the first being context {@code firstContext}: one forward pass,
     * in a sub-manager of {@code manager}.
     */
    public static float[] activations(Transformer model, HookPoint hook, int[] ids, int contexts, int contextSize,
                                      long firstContext, NDManager manager) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray tokens = scope.create(ids, new Shape(contexts, contextSize));
            return model.activations(tokens, hook).toFloatArray();
        } catch (IllegalArgumentException e) {
            throw new ModelSourceException("dataset", "contexts " + firstContext + " to "
                    + (firstContext + contexts - 1) + " cannot be run through the model: " + e.getMessage()
                    + " (is the dataset tokenized with the model's vocabulary?)");
        }
    }
}
