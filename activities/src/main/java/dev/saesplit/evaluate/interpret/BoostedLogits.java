package dev.saesplit.evaluate.interpret;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.saesplit.evaluate.SplitReport;
import dev.saesplit.lm.Transformer;
import dev.saesplit.lm.tokens.Tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * The tokens a latent's decoder direction {@code d} pushes up and down through the unembedding: the top and
 * bottom {@code k} entries of {@code d · W_U}, with {@code W_U [d_model, d_vocab]} in TransformerLens's
 * convention. This is the logit lens's direct path: it ignores every layer between the hook and the unembedding
 * and the final LayerNorm's scale, so it reads exactly a direction written into the residual stream (a residual
 * hook, or an attention or MLP output, which is added to it) by its first-order effect on the logits, as the seed
 * study's "top boosted logits" did. A direction in the MLP's hidden space ({@code d_mlp}) is not in the residual
 * stream and has no such reading; {@link Interpreter} gives it none.
 *
 * <p>Only ids the tokenizer knows ({@code < min(d_vocab, vocabSize)}) are ranked: models often pad their
 * unembedding past the vocabulary, and a padding column's logit means nothing.
 */
final class BoostedLogits {

    /** A direction's boosted and suppressed tokens, most extreme first. */
    record Ranked(List<SplitReport.Logit> top, List<SplitReport.Logit> bottom) {
    }

    private final Transformer model;
    private final Tokenizer tokenizer;
    private final int k;

    BoostedLogits(Transformer model, Tokenizer tokenizer, int k) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.k = k;
    }

    /**
     * Ranks each of {@code directions} (each {@code d_model} values) in one product with {@code W_U}.
     *
     * @throws IllegalArgumentException if a direction's width is not {@code d_model}
     */
    List<Ranked> of(List<float[]> directions) {
        NDArray unembed = model.unembedWeights();
        int dModel = (int) unembed.getShape().get(0);
        int dVocab = (int) unembed.getShape().get(1);
        float[] stacked = new float[directions.size() * dModel];
        for (int i = 0; i < directions.size(); i++) {
            float[] d = directions.get(i);
            if (d.length != dModel) {
                throw new IllegalArgumentException("decoder direction has " + d.length + " values; the model's"
                        + " residual stream has d_model = " + dModel);
            }
            System.arraycopy(d, 0, stacked, i * dModel, dModel);
        }
        float[] logits;
        try (NDManager scratch = unembed.getManager().newSubManager()) {
            logits = scratch.create(stacked, new Shape(directions.size(), dModel)).matMul(unembed).toFloatArray();
        }
        int ranked = Math.min(dVocab, tokenizer.vocabSize());
        List<Ranked> out = new ArrayList<>(directions.size());
        for (int i = 0; i < directions.size(); i++) {
            BoundedTop top = new BoundedTop(k);
            BoundedTop bottom = new BoundedTop(k);
            for (int token = 0; token < ranked; token++) {
                float value = logits[i * dVocab + token];
                top.offer(token, value);
                bottom.offer(token, -value);
            }
            out.add(new Ranked(logits(top, 1), logits(bottom, -1)));
        }
        return out;
    }

    private List<SplitReport.Logit> logits(BoundedTop ranked, int sign) {
        List<SplitReport.Logit> out = new ArrayList<>();
        for (BoundedTop.Entry e : ranked.ranked()) {
            out.add(new SplitReport.Logit(VisibleText.of(tokenizer.tokenText((int) e.id())), sign * e.value()));
        }
        return out;
    }
}
