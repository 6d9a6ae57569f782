package dev.saesplit.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * A LayerNorm's scale {@code w} and bias {@code b}, each {@code [d_model]}. Models without affine LayerNorm
 * weights (LNPre) use the identity pair, so every LayerNorm runs as one fused kernel.
 */
record LayerNormParameters(NDArray weight, NDArray bias) {

    /** Scale 1, bias 0. */
    static LayerNormParameters identity(int width, NDManager manager) {
        return new LayerNormParameters(manager.ones(new Shape(width)), manager.zeros(new Shape(width)));
    }

    /** {@code <prefix>.w} and {@code <prefix>.b} when the model has them, else {@code identity}. */
    static LayerNormParameters upload(TransformerWeights weights, String prefix, NDManager manager,
                                      LayerNormParameters identity) {
        if (!weights.config().normalization().hasWeights()) {
            return identity;
        }
        return new LayerNormParameters(BlockParameters.create(weights, prefix + ".w", manager),
                BlockParameters.create(weights, prefix + ".b", manager));
    }
}
