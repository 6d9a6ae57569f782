package dev.saesplit.lm;

import static dev.saesplit.lm.TransformerLensLayout.block;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The weight processing of TransformerLens's {@code HookedTransformer.from_pretrained} (its defaults: fold LayerNorm,
 * centre writing weights, centre unembed, fold value biases; not the experimental refactoring of attention
 * matrices), applied in the order {@code load_and_process_state_dict} applies it, with the conditions it checks:
 * LayerNorm is folded only where the model has LayerNorm weights (after which it normalises without them,
 * {@code LNPre}), writing weights are centred only under LayerNorm, and the unembedding and value biases always.
 * Folding and centring under LayerNorm leave the computation unchanged; centring writing weights subtracts each
 * position's mean over d_model from the residual stream and every output written to it (so {@code hook_mlp_out}
 * becomes mean-centred), which the next LayerNorm removes; centring the unembedding subtracts each position's mean
 * logit.
 */
final class FromPretrainedProcessing {

    private final TransformerConfig c;
    private final Map<String, float[]> w;

    private FromPretrainedProcessing(TransformerConfig config, Map<String, float[]> weights) {
        this.c = config;
        this.w = new LinkedHashMap<>();
        // Copies: the loaded arrays may be shared with the unprocessed weights.
        weights.forEach((name, values) -> w.put(name, values.clone()));
    }

    /** The processed model: its config ({@code LNPre} once LayerNorm is folded) and its parameters. */
    static TransformerWeights process(TransformerWeights weights) {
        Map<String, float[]> values = new LinkedHashMap<>();
        weights.tensors().forEach((name, tensor) -> values.put(name, tensor.values()));
        FromPretrainedProcessing p = new FromPretrainedProcessing(weights.config(), values);
        TransformerConfig config = weights.config();
        if (config.normalization() == Normalization.LN) {
            p.foldLayerNorm();
            config = withNormalization(config, Normalization.LN_PRE);
        }
        if (config.normalization().normalizes()) {
            p.centerWritingWeights();
        }
        p.centerUnembed();
        p.foldValueBiases();
        Map<String, float[]> processed = new LinkedHashMap<>();
        TransformerLensLayout.shapes(config).keySet().forEach(name -> processed.put(name, p.w.get(name)));
        return TransformerWeights.of(config, processed, weights.source(), weights.filledWithZeros());
    }

    private static TransformerConfig withNormalization(TransformerConfig c, Normalization normalization) {
        return new TransformerConfig(c.modelName(), c.nLayers(), c.dModel(), c.dHead(), c.nHeads(), c.dMlp(),
                c.dVocab(), c.nCtx(), c.actFn(), normalization, c.eps());
    }

    /**
     * fold_layer_norm: each LayerNorm's bias goes through the next weight into that weight's bias, its scale into
     * the weight's rows, and the weight is then centred over d_model (LayerNormPre's output has zero mean).
     */
    private void foldLayerNorm() {
        int heads = c.nHeads();
        int d = c.dModel();
        int dHead = c.dHead();
        for (int layer = 0; layer < c.nLayers(); layer++) {
            float[] scale = w.get(block(layer, "ln1.w"));
            float[] shift = w.get(block(layer, "ln1.b"));
            for (String part : new String[] {"Q", "K", "V"}) {
                // W [head, d_model, d_head] reads the residual stream: fold per head, like a [d_model, d_head] matrix.
                float[] weight = w.get(block(layer, "attn.W_" + part));
                float[] bias = w.get(block(layer, "attn.b_" + part));
                for (int h = 0; h < heads; h++) {
                    foldInto(weight, h * d * dHead, d, dHead, scale, shift, bias, h * dHead);
                }
            }
            foldInto(w.get(block(layer, "mlp.W_in")), 0, d, c.dMlp(), w.get(block(layer, "ln2.w")),
                    w.get(block(layer, "ln2.b")), w.get(block(layer, "mlp.b_in")), 0);
        }
        foldInto(w.get(TransformerLensLayout.W_U), 0, d, c.dVocab(), w.get(TransformerLensLayout.LN_FINAL_W),
                w.get(TransformerLensLayout.LN_FINAL_B), w.get(TransformerLensLayout.B_U), 0);
    }

    /**
     * For the {@code [rows = d_model, cols]} matrix at {@code from} in {@code weight}: {@code bias += shift · W},
     * {@code W[r] *= scale[r]}, then each column centred over the rows.
     */
    private static void foldInto(float[] weight, int from, int rows, int cols, float[] scale, float[] shift,
                                 float[] bias, int biasFrom) {
        for (int col = 0; col < cols; col++) {
            double shifted = 0;
            for (int r = 0; r < rows; r++) {
                shifted += (double) weight[from + r * cols + col] * shift[r];
            }
            bias[biasFrom + col] += (float) shifted;
        }
        for (int r = 0; r < rows; r++) {
            for (int col = 0; col < cols; col++) {
                weight[from + r * cols + col] *= scale[r];
            }
        }
        for (int col = 0; col < cols; col++) {
            double sum = 0;
            for (int r = 0; r < rows; r++) {
                sum += weight[from + r * cols + col];
            }
            float mean = (float) (sum / rows);
            for (int r = 0; r < rows; r++) {
                weight[from + r * cols + col] -= mean;
            }
        }
    }

    /** center_writing_weights: every vector written to the residual stream loses its mean over d_model. */
    private void centerWritingWeights() {
        int d = c.dModel();
        centerRows(w.get(TransformerLensLayout.W_E), d);
        centerRows(w.get(TransformerLensLayout.W_POS), d);
        for (int layer = 0; layer < c.nLayers(); layer++) {
            centerRows(w.get(block(layer, "attn.W_O")), d);
            centerRows(w.get(block(layer, "attn.b_O")), d);
            centerRows(w.get(block(layer, "mlp.W_out")), d);
            centerRows(w.get(block(layer, "mlp.b_out")), d);
        }
    }

    /** center_unembed: each row of W_U [d_model, d_vocab] and b_U lose their mean over the vocabulary. */
    private void centerUnembed() {
        centerRows(w.get(TransformerLensLayout.W_U), c.dVocab());
        centerRows(w.get(TransformerLensLayout.B_U), c.dVocab());
    }

    /**
     * fold_value_biases: attention weights sum to one, so each head adds {@code b_V · W_O} whatever it attends to;
     * that goes into {@code b_O} and {@code b_V} becomes zero.
     */
    private void foldValueBiases() {
        int d = c.dModel();
        int values = c.nHeads() * c.dHead();
        for (int layer = 0; layer < c.nLayers(); layer++) {
            float[] valueBias = w.get(block(layer, "attn.b_V"));
            float[] output = w.get(block(layer, "attn.W_O"));
            float[] outputBias = w.get(block(layer, "attn.b_O"));
            for (int col = 0; col < d; col++) {
                double added = 0;
                for (int v = 0; v < values; v++) {
                    added += (double) valueBias[v] * output[v * d + col];
                }
                outputBias[col] += (float) added;
            }
            Arrays.fill(valueBias, 0f);
        }
    }

    /** Subtracts from each consecutive row of {@code width} values its mean. */
    private static void centerRows(float[] values, int width) {
        for (int from = 0; from < values.length; from += width) {
            double sum = 0;
            for (int i = from; i < from + width; i++) {
                sum += values[i];
            }
            float mean = (float) (sum / width);
            for (int i = from; i < from + width; i++) {
                values[i] -= mean;
            }
        }
    }
}
