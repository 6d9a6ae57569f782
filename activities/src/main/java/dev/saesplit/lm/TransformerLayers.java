package dev.saesplit.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * The arithmetic of one block's parts, as TransformerLens computes it, in as few kernels as the engine offers.
 * Every op takes the activation as its first operand, so results belong to the activation's (per-call)
 * manager and never to the weights'.
 */
final class TransformerLayers {

    private TransformerLayers() {
    }

    /** LayerNorm (centre, divide by sqrt(biased variance + eps), scale, shift) as one fused kernel. */
    static NDArray layerNorm(NDArray x, LayerNormParameters ln, double eps) {
        Shape lastAxis = new Shape(x.getShape().get(x.getShape().dimension() - 1));
        return x.getNDArrayInternal().layerNorm(x, lastAxis, ln.weight(), ln.bias(), (float) eps)
                .singletonOrThrow();
    }

    /** {@code x W^T + b} with the bias added inside the matrix product; {@code weight} is {@code [out, in]}. */
    static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        return x.getNDArrayInternal().linear(x, weight, bias).singletonOrThrow();
    }

    /**
     * Causal multi-head self-attention over {@code x [batch, pos, d_model]}: one product for Q, K and V of all
     * heads (Q already scaled by 1/sqrt(d_head)), later positions masked to -inf before the softmax
     * (TransformerLens's IGNORE value), then one product for the output projection.
     *
     * @param causalMask {@code [n_ctx, n_ctx]}: 0 on and below the diagonal, -inf above
     */
    static NDArray attention(NDArray x, BlockParameters block, NDArray causalMask, TransformerConfig config,
                             NDManager scope) {
        Shape shape = x.getShape();
        long batch = shape.get(0);
        long positions = shape.get(1);
        int heads = config.nHeads();
        int dHead = config.dHead();
        NDArray qkv = linear(x, block.qkvWeights(), block.qkvBias())
                .reshape(batch, positions, 3, heads, dHead)
                .transpose(2, 0, 3, 1, 4); // [qkv, batch, head, pos, d_head]
        NDArray queries = qkv.get(0);
        NDArray keys = qkv.get(1);
        NDArray values = qkv.get(2);
        NDArray mask = causalMask.get(scope, new NDIndex(":{}, :{}", positions, positions));
        NDArray pattern = queries.matMul(keys.transpose(0, 1, 3, 2)).addi(mask).softmax(-1);
        NDArray z = pattern.matMul(values) // [batch, head, pos, d_head]
                .transpose(0, 2, 1, 3)
                .reshape(batch, positions, (long) heads * dHead);
        return linear(z, block.outWeights(), block.outBias());
    }

    /** A {@code [n, n]} additive causal mask: 0 where a query may attend, -inf at later keys. */
    static NDArray causalMask(int n, NDManager manager) {
        float[] mask = new float[n * n];
        for (int query = 0; query < n; query++) {
            for (int key = query + 1; key < n; key++) {
                mask[query * n + key] = Float.NEGATIVE_INFINITY;
            }
        }
        return manager.create(mask, new Shape(n, n));
    }
}
