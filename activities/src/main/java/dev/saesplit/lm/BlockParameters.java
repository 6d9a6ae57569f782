package dev.saesplit.lm;

import static dev.saesplit.lm.TransformerLensLayout.block;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.saesplit.sae.safetensors.NamedTensor;

/**
 * One transformer block's parameters on the device, laid out for few, large, bias-fused matrix products
 * ({@code torch.nn.functional.linear}, which takes weights as {@code [out, in]}): the three per-head
 * projections fused into one {@code [3 n_heads d_head, d_model]} matrix (rows Q | K | V, each head-major) with
 * the attention scale 1/sqrt(d_head) folded into Q, and the other matrices as transposed views of TransformerLens's
 * {@code [in, out]} layout, which BLAS reads without a copy.
 *
 * @param ln1 the LayerNorm before attention (the identity pair when the model has no LayerNorm weights)
 * @param ln2 the LayerNorm before the MLP, likewise
 */
record BlockParameters(LayerNormParameters ln1, NDArray qkvWeights, NDArray qkvBias, NDArray outWeights,
                       NDArray outBias, LayerNormParameters ln2, NDArray mlpIn, NDArray mlpInBias, NDArray mlpOut,
                       NDArray mlpOutBias) {

    private static final String[] PROJECTIONS = {"Q", "K", "V"};

    static BlockParameters upload(TransformerWeights weights, int layer, NDManager manager,
                                  LayerNormParameters identity) {
        TransformerConfig c = weights.config();
        long attention = c.attentionWidth();
        return new BlockParameters(
                LayerNormParameters.upload(weights, block(layer, "ln1"), manager, identity),
                manager.create(fusedProjections(weights, layer), new Shape(3 * attention, c.dModel())),
                manager.create(fusedBiases(weights, layer), new Shape(3 * attention)),
                manager.create(weights.tensor(block(layer, "attn.W_O")).values(), new Shape(attention, c.dModel()))
                        .transpose(),
                create(weights, block(layer, "attn.b_O"), manager),
                LayerNormParameters.upload(weights, block(layer, "ln2"), manager, identity),
                create(weights, block(layer, "mlp.W_in"), manager).transpose(),
                create(weights, block(layer, "mlp.b_in"), manager),
                create(weights, block(layer, "mlp.W_out"), manager).transpose(),
                create(weights, block(layer, "mlp.b_out"), manager));
    }

    static NDArray create(TransformerWeights weights, String name, NDManager manager) {
        NamedTensor tensor = weights.tensor(name);
        return manager.create(tensor.values(), new Shape(tensor.shape()));
    }

    /** W_Q, W_K, W_V {@code [head, d_model, d_head]} into {@code [(qkv head d_head), d_model]}, Q pre-scaled. */
    private static float[] fusedProjections(TransformerWeights weights, int layer) {
        TransformerConfig c = weights.config();
        int heads = c.nHeads();
        int dModel = c.dModel();
        int dHead = c.dHead();
        float[] fused = new float[3 * heads * dHead * dModel];
        for (int part = 0; part < 3; part++) {
            float[] w = weights.tensor(block(layer, "attn.W_" + PROJECTIONS[part])).values();
            float scale = part == 0 ? queryScale(c) : 1f;
            for (int head = 0; head < heads; head++) {
                for (int m = 0; m < dModel; m++) {
                    for (int e = 0; e < dHead; e++) {
                        int row = (part * heads + head) * dHead + e;
                        fused[row * dModel + m] = w[(head * dModel + m) * dHead + e] * scale;
                    }
                }
            }
        }
        return fused;
    }

    /** b_Q, b_K, b_V {@code [head, d_head]} concatenated in the same row order, Q pre-scaled. */
    private static float[] fusedBiases(TransformerWeights weights, int layer) {
        TransformerConfig c = weights.config();
        int width = c.attentionWidth();
        float[] fused = new float[3 * width];
        for (int part = 0; part < 3; part++) {
            float[] b = weights.tensor(block(layer, "attn.b_" + PROJECTIONS[part])).values();
            float scale = part == 0 ? queryScale(c) : 1f;
            for (int i = 0; i < width; i++) {
                fused[part * width + i] = b[i] * scale;
            }
        }
        return fused;
    }

    /**
     * Attention scores are q.k / sqrt(d_head); scaling the query weights once at upload gives the same scores
     * (to float rounding) without a pass over the [batch, head, pos, pos] scores on every call.
     */
    private static float queryScale(TransformerConfig c) {
        return (float) (1 / Math.sqrt(c.dHead()));
    }
}
