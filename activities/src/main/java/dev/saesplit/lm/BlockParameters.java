package dev.saesplit.lm;

import static dev.saesplit.lm.TransformerLensLayout.block;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.saesplit.sae.safetensors.NamedTensor;

/**
 * One transformer block's parameters on the device, laid out for few, large matrix products: the three
 * per-head projections fused into one {@code [d_model, 3 n_heads d_head]} matrix (columns Q | K | V, each
 * head-major) and {@code W_O} flattened to {@code [n_heads d_head, d_model]}.
 *
 * @param ln1 the LayerNorm before attention, or null when the model has no affine LayerNorm weights
 * @param ln2 the LayerNorm before the MLP, likewise
 */
record BlockParameters(LayerNormParameters ln1, NDArray qkvWeights, NDArray qkvBias, NDArray outWeights,
                       NDArray outBias, LayerNormParameters ln2, NDArray mlpIn, NDArray mlpInBias, NDArray mlpOut,
                       NDArray mlpOutBias) {

    private static final String[] PROJECTIONS = {"Q", "K", "V"};

    /** {@code w} and {@code b} of an affine LayerNorm, each {@code [d_model]}. */
    record LayerNormParameters(NDArray weight, NDArray bias) {

        static LayerNormParameters upload(TransformerWeights weights, String prefix, NDManager manager) {
            if (!weights.config().normalization().hasWeights()) {
                return null;
            }
            return new LayerNormParameters(create(weights, prefix + ".w", manager),
                    create(weights, prefix + ".b", manager));
        }
    }

    static BlockParameters upload(TransformerWeights weights, int layer, NDManager manager) {
        TransformerConfig c = weights.config();
        long attention = c.attentionWidth();
        return new BlockParameters(
                LayerNormParameters.upload(weights, block(layer, "ln1"), manager),
                manager.create(fusedProjections(weights, layer), new Shape(c.dModel(), 3 * attention)),
                manager.create(fusedBiases(weights, layer), new Shape(3 * attention)),
                manager.create(weights.tensor(block(layer, "attn.W_O")).values(), new Shape(attention, c.dModel())),
                create(weights, block(layer, "attn.b_O"), manager),
                LayerNormParameters.upload(weights, block(layer, "ln2"), manager),
                create(weights, block(layer, "mlp.W_in"), manager),
                create(weights, block(layer, "mlp.b_in"), manager),
                create(weights, block(layer, "mlp.W_out"), manager),
                create(weights, block(layer, "mlp.b_out"), manager));
    }

    static NDArray create(TransformerWeights weights, String name, NDManager manager) {
        NamedTensor tensor = weights.tensor(name);
        return manager.create(tensor.values(), new Shape(tensor.shape()));
    }

    /** W_Q, W_K, W_V {@code [head, d_model, d_head]} into {@code [d_model, (qkv head d_head)]}. */
    private static float[] fusedProjections(TransformerWeights weights, int layer) {
        TransformerConfig c = weights.config();
        int heads = c.nHeads();
        int dModel = c.dModel();
        int dHead = c.dHead();
        int columns = 3 * heads * dHead;
        float[] fused = new float[dModel * columns];
        for (int part = 0; part < 3; part++) {
            float[] w = weights.tensor(block(layer, "attn.W_" + PROJECTIONS[part])).values();
            for (int head = 0; head < heads; head++) {
                for (int m = 0; m < dModel; m++) {
                    System.arraycopy(w, (head * dModel + m) * dHead, fused,
                            m * columns + (part * heads + head) * dHead, dHead);
                }
            }
        }
        return fused;
    }

    /** b_Q, b_K, b_V {@code [head, d_head]} concatenated in the same column order. */
    private static float[] fusedBiases(TransformerWeights weights, int layer) {
        int width = weights.config().attentionWidth();
        float[] fused = new float[3 * width];
        for (int part = 0; part < 3; part++) {
            float[] b = weights.tensor(block(layer, "attn.b_" + PROJECTIONS[part])).values();
            System.arraycopy(b, 0, fused, part * width, width);
        }
        return fused;
    }
}
