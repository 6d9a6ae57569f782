package dev.saesplit.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * The arithmetic of one block's parts, as TransformerLens computes it. Every product keeps the activation as
 * the receiver, so results belong to the activation's (per-call) manager and never to the weights'.
 */
final class TransformerLayers {

    private static final int[] LAST_AXIS = {-1};

    private TransformerLayers() {
    }

    /** LayerNorm without its affine part: centre, then divide by sqrt(variance + eps). */
    static NDArray normalize(NDArray x, double eps) {
        NDArray centred = x.sub(x.mean(LAST_AXIS, true));
        NDArray scale = centred.square().mean(LAST_AXIS, true).addi((float) eps).sqrt();
        return centred.divi(scale);
    }

    /** LayerNorm's learned scale and bias, in place; nothing when the model has none (LNPre). */
    static NDArray affine(NDArray normalized, BlockParameters.LayerNormParameters ln) {
        return ln == null ? normalized : normalized.muli(ln.weight()).addi(ln.bias());
    }

    /**
     * Causal multi-head self-attention over {@code x [batch, pos, d_model]}: one product for Q, K and V of all
     * heads, scores scaled by 1/sqrt(d_head), later positions masked to -inf before the softmax (TransformerLens's
     * IGNORE value), then one product for the output projection.
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
        NDArray qkv = x.matMul(block.qkvWeights()).addi(block.qkvBias())
                .reshape(batch, positions, 3, heads, dHead)
                .transpose(2, 0, 3, 1, 4); // [qkv, batch, head, pos, d_head]
        NDArray queries = qkv.get(0);
        NDArray keys = qkv.get(1);
        NDArray values = qkv.get(2);
        NDArray mask = causalMask.get(scope, new NDIndex(":{}, :{}", positions, positions));
        NDArray scores = queries.matMul(keys.transpose(0, 1, 3, 2))
                .divi((float) Math.sqrt(dHead))
                .addi(mask);
        NDArray pattern = scores.softmax(-1);
        NDArray z = pattern.matMul(values) // [batch, head, pos, d_head]
                .transpose(0, 2, 1, 3)
                .reshape(batch, positions, (long) heads * dHead);
        return z.matMul(block.outWeights()).addi(block.outBias());
    }

    /** The MLP's hidden pre-activation, {@code x W_in + b_in}. */
    static NDArray mlpPre(NDArray x, BlockParameters block) {
        return x.matMul(block.mlpIn()).addi(block.mlpInBias());
    }

    /** The MLP's output, {@code post W_out + b_out}. */
    static NDArray mlpOut(NDArray post, BlockParameters block) {
        return post.matMul(block.mlpOut()).addi(block.mlpOutBias());
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
