package dev.saesplit.lm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import dev.saesplit.lm.ActivationFunction;
import dev.saesplit.lm.Normalization;
import dev.saesplit.lm.TransformerConfig;
import dev.saesplit.lm.TransformerLensLayout;
import dev.saesplit.lm.TransformerWeights;
import dev.saesplit.random.SplitMix64;

import java.util.LinkedHashMap;
import java.util.Map;

import static dev.saesplit.lm.TransformerLensLayout.block;

/**
 * A GELU transformer whose parameters live on a DJL device under TransformerLens's names and shapes, with a
 * forward pass that autograd can differentiate (no in-place ops on anything that needs a gradient). It computes
 * what {@link dev.saesplit.lm.Transformer} computes for the same weights, so a model trained here and loaded by
 * the model stage gives the same logits to float rounding.
 */
final class TrainableTransformer implements AutoCloseable {

    private final TransformerConfig config;
    private final NDManager manager;
    private final Map<String, NDArray> parameters;
    private final NDArray causalMask;

    private TrainableTransformer(TransformerConfig config, NDManager manager, Map<String, NDArray> parameters) {
        this.config = config;
        this.manager = manager;
        this.parameters = parameters;
        float[] mask = new float[config.nCtx() * config.nCtx()];
        for (int query = 0; query < config.nCtx(); query++) {
            for (int key = query + 1; key < config.nCtx(); key++) {
                mask[query * config.nCtx() + key] = Float.NEGATIVE_INFINITY;
            }
        }
        this.causalMask = manager.create(mask, new Shape(config.nCtx(), config.nCtx()));
        parameters.values().forEach(p -> p.setRequiresGradient(true));
    }

    /**
     * The configuration this trainer builds: LayerNorm with weights, exact-erf GELU, standard positions, as
     * TransformerLens's {@code gelu-1l}.
     */
    static TransformerConfig config(String name, int layers, int dModel, int heads, int dMlp, int vocab, int nCtx) {
        return new TransformerConfig(name, layers, dModel, dModel / heads, heads, dMlp, vocab, nCtx,
                ActivationFunction.GELU, Normalization.LN, TransformerConfig.DEFAULT_EPS);
    }

    /**
     * Fresh weights from {@code seed}, as TransformerLens's "gpt2" initialisation: matrices normal with standard
     * deviation 0.8/sqrt(d_model), biases zero, LayerNorm scales one. Drawn on the host from SplitMix64, so the same
     * seed gives the same bits on every machine and engine.
     */
    static Map<String, float[]> initialWeights(TransformerConfig config, long seed) {
        SplitMix64 random = new SplitMix64(seed);
        float std = (float) (0.8 / Math.sqrt(config.dModel()));
        Map<String, float[]> values = new LinkedHashMap<>();
        TransformerLensLayout.shapes(config).forEach((name, shape) -> {
            long count = 1;
            for (long dim : shape) {
                count *= dim;
            }
            float[] v = new float[Math.toIntExact(count)];
            if (name.endsWith(".w")) {
                java.util.Arrays.fill(v, 1f);
            } else if (shape.length > 1) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (std * random.nextGaussian());
                }
            }
            values.put(name, v);
        });
        return values;
    }

    /** Copies {@code values} (TransformerLens names) onto a sub-manager of {@code parent}'s device. */
    static TrainableTransformer upload(TransformerConfig config, Map<String, float[]> values, NDManager parent) {
        NDManager manager = parent.newSubManager();
        Map<String, NDArray> parameters = new LinkedHashMap<>();
        TransformerLensLayout.shapes(config).forEach((name, shape) ->
                parameters.put(name, manager.create(values.get(name), new Shape(shape))));
        return new TrainableTransformer(config, manager, parameters);
    }

    /**
     * A manager for one step's work: every parameter (and the mask) is attached to it for its lifetime, so arrays
     * derived from them (views, gradients) are freed with it and the parameters return to this model when it closes.
     */
    NDManager stepScope() {
        NDManager step = manager.newSubManager();
        parameters.values().forEach(p -> p.tempAttach(step));
        causalMask.tempAttach(step);
        return step;
    }

    TransformerConfig config() {
        return config;
    }

    /** Every parameter by TransformerLens name in canonical order; updated in place by the optimiser. */
    Map<String, NDArray> parameters() {
        return parameters;
    }

    /** The parameters copied to the host, as the model stage loads them. */
    TransformerWeights weights() {
        Map<String, float[]> values = new LinkedHashMap<>();
        parameters.forEach((name, p) -> values.put(name, p.toFloatArray()));
        return TransformerWeights.of(config, values, "training of '" + config.modelName() + "'");
    }

    /**
     * Logits {@code [batch, pos, d_vocab]} of int64 {@code tokens [batch, pos]}; intermediates belong to the tokens'
     * manager.
     */
    NDArray logits(NDArray tokens) {
        long batch = tokens.getShape().get(0);
        long pos = tokens.getShape().get(1);
        NDArray embed = tokens.getNDArrayInternal().embedding(tokens, p(TransformerLensLayout.W_E),
                SparseFormat.DENSE).singletonOrThrow();
        NDArray residual = embed.add(p(TransformerLensLayout.W_POS).get(new NDIndex(":{}", pos)));
        NDArray mask = causalMask.get(new NDIndex(":{}, :{}", pos, pos));
        for (int layer = 0; layer < config.nLayers(); layer++) {
            residual = residual.add(attention(layerNorm(residual, block(layer, "ln1")), layer, batch, pos, mask));
            NDArray hidden = Activation.gelu(layerNorm(residual, block(layer, "ln2"))
                    .matMul(p(block(layer, "mlp.W_in"))).add(p(block(layer, "mlp.b_in"))));
            residual = residual.add(hidden.matMul(p(block(layer, "mlp.W_out"))).add(p(block(layer, "mlp.b_out"))));
        }
        return layerNorm(residual, "ln_final").matMul(p(TransformerLensLayout.W_U)).add(p(TransformerLensLayout.B_U));
    }

    /**
     * Mean next-token cross-entropy (nats) of {@code logits} against {@code tokens}: position p predicts p + 1, as
     * TransformerLens's {@code lm_cross_entropy_loss}.
     */
    static NDArray crossEntropy(NDArray logits, NDArray tokens) {
        NDArray logProbs = logits.get(new NDIndex(":, :-1")).logSoftmax(-1);
        NDArray targets = tokens.get(new NDIndex(":, 1:")).toType(DataType.INT64, false).expandDims(-1);
        return logProbs.gather(targets, -1).mean().neg();
    }

    private NDArray attention(NDArray x, int layer, long batch, long pos, NDArray mask) {
        int heads = config.nHeads();
        int dHead = config.dHead();
        int width = config.attentionWidth();
        // [head, d_model, d_head] -> [d_model, head * d_head], Q, K and V side by side: one product for all three.
        NDArray weights = NDArrays.concat(new NDList(flatten(p(block(layer, "attn.W_Q"))),
                flatten(p(block(layer, "attn.W_K"))), flatten(p(block(layer, "attn.W_V")))), 1);
        NDArray bias = NDArrays.concat(new NDList(p(block(layer, "attn.b_Q")).reshape(width),
                p(block(layer, "attn.b_K")).reshape(width), p(block(layer, "attn.b_V")).reshape(width)), 0);
        NDArray qkv = x.matMul(weights).add(bias).reshape(batch, pos, 3, heads, dHead)
                .transpose(2, 0, 3, 1, 4); // [qkv, batch, head, pos, d_head]
        NDArray scores = qkv.get(0).matMul(qkv.get(1).transpose(0, 1, 3, 2)).div((float) Math.sqrt(dHead)).add(mask);
        NDArray z = scores.softmax(-1).matMul(qkv.get(2)).transpose(0, 2, 1, 3).reshape(batch, pos, width);
        return z.matMul(p(block(layer, "attn.W_O")).reshape(width, config.dModel())).add(p(block(layer, "attn.b_O")));
    }

    private NDArray flatten(NDArray projection) {
        return projection.transpose(1, 0, 2).reshape(config.dModel(), config.attentionWidth());
    }

    private NDArray layerNorm(NDArray x, String prefix) {
        return x.getNDArrayInternal().layerNorm(x, new Shape(config.dModel()), p(prefix + ".w"), p(prefix + ".b"),
                (float) config.eps()).singletonOrThrow();
    }

    private NDArray p(String name) {
        return parameters.get(name);
    }

    NDManager manager() {
        return manager;
    }

    @Override
    public void close() {
        manager.close();
    }
}
