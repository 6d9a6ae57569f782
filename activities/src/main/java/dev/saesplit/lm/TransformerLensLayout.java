package dev.saesplit.lm;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * TransformerLens's names and shapes for every parameter of a {@link TransformerConfig}, in one canonical
 * order (embeddings, blocks, final norm, unembedding) that uploads and content hashes follow.
 */
public final class TransformerLensLayout {

    public static final String W_E = "embed.W_E";
    public static final String W_POS = "pos_embed.W_pos";
    public static final String LN_FINAL_W = "ln_final.w";
    public static final String LN_FINAL_B = "ln_final.b";
    public static final String W_U = "unembed.W_U";
    public static final String B_U = "unembed.b_U";

    /** Buffers TransformerLens keeps in its state dicts: the causal mask and the masking value. */
    private static final Pattern BUFFERS = Pattern.compile("blocks\\.\\d+\\.attn\\.(mask|IGNORE)");

    private TransformerLensLayout() {
    }

    /** {@code blocks.<layer>.<name>}, e.g. {@code blocks.0.attn.W_Q}. */
    public static String block(int layer, String name) {
        return "blocks." + layer + "." + name;
    }

    /** Every parameter's name and shape, in canonical order; LayerNorm weights only where the config has them. */
    public static Map<String, long[]> shapes(TransformerConfig c) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put(W_E, dims(c.dVocab(), c.dModel()));
        shapes.put(W_POS, dims(c.nCtx(), c.dModel()));
        boolean affine = c.normalization().hasWeights();
        for (int layer = 0; layer < c.nLayers(); layer++) {
            if (affine) {
                shapes.put(block(layer, "ln1.w"), dims(c.dModel()));
                shapes.put(block(layer, "ln1.b"), dims(c.dModel()));
            }
            for (String projection : new String[] {"W_Q", "W_K", "W_V"}) {
                shapes.put(block(layer, "attn." + projection), dims(c.nHeads(), c.dModel(), c.dHead()));
            }
            shapes.put(block(layer, "attn.W_O"), dims(c.nHeads(), c.dHead(), c.dModel()));
            for (String bias : new String[] {"b_Q", "b_K", "b_V"}) {
                shapes.put(block(layer, "attn." + bias), dims(c.nHeads(), c.dHead()));
            }
            shapes.put(block(layer, "attn.b_O"), dims(c.dModel()));
            if (affine) {
                shapes.put(block(layer, "ln2.w"), dims(c.dModel()));
                shapes.put(block(layer, "ln2.b"), dims(c.dModel()));
            }
            shapes.put(block(layer, "mlp.W_in"), dims(c.dModel(), c.dMlp()));
            shapes.put(block(layer, "mlp.b_in"), dims(c.dMlp()));
            shapes.put(block(layer, "mlp.W_out"), dims(c.dMlp(), c.dModel()));
            shapes.put(block(layer, "mlp.b_out"), dims(c.dModel()));
        }
        if (affine) {
            shapes.put(LN_FINAL_W, dims(c.dModel()));
            shapes.put(LN_FINAL_B, dims(c.dModel()));
        }
        shapes.put(W_U, dims(c.dModel(), c.dVocab()));
        shapes.put(B_U, dims(c.dVocab()));
        return shapes;
    }

    /**
     * What a TransformerLens-named checkpoint for {@code c} must hold. A missing bias is zeros, as TransformerLens's
     * {@code fill_missing_keys} leaves it (its biases start at zero; gelu-1l's {@code model_final.pth} has no
     * {@code unembed.b_U}); a missing weight would be left uninitialised there, so it is refused here.
     */
    static ExpectedTensors expected(TransformerConfig c, String configFile) {
        return new ExpectedTensors(shapes(c), Map.of(), name -> BUFFERS.matcher(name).matches(),
                TransformerLensLayout::isBias, configFile);
    }

    /** Whether {@code name} is a bias: {@code b_*} of a projection or {@code b} of a LayerNorm. */
    static boolean isBias(String name) {
        String last = name.substring(name.lastIndexOf('.') + 1);
        return last.startsWith("b_") || last.equals("b");
    }

    static long[] dims(long... dims) {
        return dims;
    }
}
