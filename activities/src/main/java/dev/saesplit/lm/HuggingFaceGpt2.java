package dev.saesplit.lm;

import static dev.saesplit.lm.TransformerLensLayout.block;
import static dev.saesplit.lm.TransformerLensLayout.dims;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * HuggingFace GPT-2-family checkpoints ({@code GPT2LMHeadModel} / {@code GPT2Model}), mapped to the
 * TransformerLens model exactly as TransformerLens's {@code convert_gpt2_weights} maps them: the fused
 * {@code c_attn} (Conv1D layout, {@code [d_model, 3 d_model]}) split into per-head Q, K and V,
 * {@code W_U = wte^T} unless a separate {@code lm_head} is stored, and {@code b_U = 0}. Names may carry the
 * {@code transformer.} prefix or not.
 */
final class HuggingFaceGpt2 {

    private static final String PREFIX = "transformer.";
    private static final String LM_HEAD = "lm_head.weight";
    /** Attention-mask buffers that older versions of transformers saved with the weights. */
    private static final Pattern BUFFERS = Pattern.compile("(transformer\\.)?h\\.\\d+\\.attn\\.(bias|masked_bias)");

    private HuggingFaceGpt2() {
    }

    /** Whether {@code config.json} is a HuggingFace GPT-2 config rather than a TransformerLens one. */
    static boolean isGpt2Config(ConfigJson json) {
        JsonNode type = json.get("model_type");
        return (type != null && "gpt2".equals(type.asText())) || json.has("n_embd");
    }

    /** The TransformerLens config equivalent to a HuggingFace GPT-2 {@code config.json}. */
    static TransformerConfig config(ConfigJson json) {
        if (json.hasValue("scale_attn_by_inverse_layer_idx") && json.get("scale_attn_by_inverse_layer_idx").asBoolean()) {
            throw json.fail("scale_attn_by_inverse_layer_idx", "is true: per-layer attention scaling is not implemented");
        }
        if (json.hasValue("add_cross_attention") && json.get("add_cross_attention").asBoolean()) {
            throw json.fail("add_cross_attention", "is true: cross-attention layers are not implemented");
        }
        if (json.hasValue("scale_attn_weights") && !json.get("scale_attn_weights").asBoolean()) {
            throw json.fail("scale_attn_weights", "is false: attention is always scaled by 1/sqrt(d_head)");
        }
        int dModel = json.positiveInt("n_embd");
        int heads = json.positiveInt("n_head");
        if (dModel % heads != 0) {
            throw json.fail("n_head", heads + " does not divide n_embd " + dModel);
        }
        // n_inner null means GPT-2's 4 * n_embd.
        int dMlp = json.hasValue("n_inner") ? json.positiveInt("n_inner") : 4 * dModel;
        return new TransformerConfig(
                json.text("_name_or_path", "gpt2"),
                json.positiveInt("n_layer"),
                dModel,
                dModel / heads,
                heads,
                dMlp,
                json.positiveInt("vocab_size"),
                json.positiveInt("n_positions"),
                json.hasValue("activation_function") ? json.activation("activation_function")
                        : ActivationFunction.GELU_NEW,
                Normalization.LN,
                json.positiveNumber("layer_norm_epsilon", TransformerConfig.DEFAULT_EPS));
    }

    /** Reads {@code source}'s GPT-2 tensors, checked against {@code c}, as TransformerLens tensors. */
    static Map<String, float[]> readAsTransformerLens(TensorSource source, TransformerConfig c, String configFile) {
        String prefix = prefix(source);
        Map<String, float[]> hf = expected(c, prefix, configFile).readFrom(source);
        return convert(hf, c, prefix);
    }

    /** The tensors {@code source} must hold for {@code c}, with or without the {@code transformer.} prefix. */
    static ExpectedTensors expected(TensorSource source, TransformerConfig c, String configFile) {
        return expected(c, prefix(source), configFile);
    }

    private static String prefix(TensorSource source) {
        return source.shapes().containsKey(PREFIX + "wte.weight") ? PREFIX : "";
    }

    private static ExpectedTensors expected(TransformerConfig c, String p, String configFile) {
        long d = c.dModel();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put(p + "wte.weight", dims(c.dVocab(), d));
        shapes.put(p + "wpe.weight", dims(c.nCtx(), d));
        for (int layer = 0; layer < c.nLayers(); layer++) {
            String h = p + "h." + layer + ".";
            shapes.put(h + "ln_1.weight", dims(d));
            shapes.put(h + "ln_1.bias", dims(d));
            shapes.put(h + "attn.c_attn.weight", dims(d, 3 * d));
            shapes.put(h + "attn.c_attn.bias", dims(3 * d));
            shapes.put(h + "attn.c_proj.weight", dims(d, d));
            shapes.put(h + "attn.c_proj.bias", dims(d));
            shapes.put(h + "ln_2.weight", dims(d));
            shapes.put(h + "ln_2.bias", dims(d));
            shapes.put(h + "mlp.c_fc.weight", dims(d, c.dMlp()));
            shapes.put(h + "mlp.c_fc.bias", dims(c.dMlp()));
            shapes.put(h + "mlp.c_proj.weight", dims(c.dMlp(), d));
            shapes.put(h + "mlp.c_proj.bias", dims(d));
        }
        shapes.put(p + "ln_f.weight", dims(d));
        shapes.put(p + "ln_f.bias", dims(d));
        return new ExpectedTensors(shapes, Map.of(LM_HEAD, dims(c.dVocab(), d)),
                name -> BUFFERS.matcher(name).matches(), name -> false, configFile);
    }

    private static Map<String, float[]> convert(Map<String, float[]> hf, TransformerConfig c, String p) {
        Map<String, float[]> tl = new LinkedHashMap<>();
        tl.put(TransformerLensLayout.W_E, hf.get(p + "wte.weight"));
        tl.put(TransformerLensLayout.W_POS, hf.get(p + "wpe.weight"));
        for (int layer = 0; layer < c.nLayers(); layer++) {
            String h = p + "h." + layer + ".";
            tl.put(block(layer, "ln1.w"), hf.get(h + "ln_1.weight"));
            tl.put(block(layer, "ln1.b"), hf.get(h + "ln_1.bias"));
            float[] qkv = hf.get(h + "attn.c_attn.weight");
            float[] qkvBias = hf.get(h + "attn.c_attn.bias");
            String[] parts = {"Q", "K", "V"};
            for (int part = 0; part < 3; part++) {
                tl.put(block(layer, "attn.W_" + parts[part]), splitHeads(qkv, c, part));
                // "(qkv head d_head) -> qkv head d_head": each third of the bias is already [head, d_head].
                tl.put(block(layer, "attn.b_" + parts[part]), slice(qkvBias, part * c.dModel(), c.dModel()));
            }
            // c_proj rows are "(head d_head)", so [d_model, d_model] is already W_O's [head, d_head, d_model].
            tl.put(block(layer, "attn.W_O"), hf.get(h + "attn.c_proj.weight"));
            tl.put(block(layer, "attn.b_O"), hf.get(h + "attn.c_proj.bias"));
            tl.put(block(layer, "ln2.w"), hf.get(h + "ln_2.weight"));
            tl.put(block(layer, "ln2.b"), hf.get(h + "ln_2.bias"));
            // Conv1D stores [in, out], which is TransformerLens's W_in / W_out layout.
            tl.put(block(layer, "mlp.W_in"), hf.get(h + "mlp.c_fc.weight"));
            tl.put(block(layer, "mlp.b_in"), hf.get(h + "mlp.c_fc.bias"));
            tl.put(block(layer, "mlp.W_out"), hf.get(h + "mlp.c_proj.weight"));
            tl.put(block(layer, "mlp.b_out"), hf.get(h + "mlp.c_proj.bias"));
        }
        tl.put(TransformerLensLayout.LN_FINAL_W, hf.get(p + "ln_f.weight"));
        tl.put(TransformerLensLayout.LN_FINAL_B, hf.get(p + "ln_f.bias"));
        // GPT-2 ties the unembedding to wte; save_pretrained then omits lm_head.
        float[] head = hf.containsKey(LM_HEAD) ? hf.get(LM_HEAD) : hf.get(p + "wte.weight");
        tl.put(TransformerLensLayout.W_U, transpose(head, c.dVocab(), c.dModel()));
        tl.put(TransformerLensLayout.B_U, new float[c.dVocab()]);
        return tl;
    }

    /** "m (head d_head) -> head m d_head" for one third ({@code part}) of the fused [d_model, 3 d_model] weight. */
    private static float[] splitHeads(float[] qkv, TransformerConfig c, int part) {
        int d = c.dModel();
        int dHead = c.dHead();
        float[] out = new float[c.nHeads() * d * dHead];
        for (int head = 0; head < c.nHeads(); head++) {
            for (int m = 0; m < d; m++) {
                System.arraycopy(qkv, m * 3 * d + part * d + head * dHead, out, (head * d + m) * dHead, dHead);
            }
        }
        return out;
    }

    private static float[] slice(float[] values, int from, int length) {
        float[] out = new float[length];
        System.arraycopy(values, from, out, 0, length);
        return out;
    }

    private static float[] transpose(float[] values, int rows, int cols) {
        float[] out = new float[values.length];
        for (int r = 0; r < rows; r++) {
            for (int col = 0; col < cols; col++) {
                out[col * rows + r] = values[r * cols + col];
            }
        }
        return out;
    }
}
