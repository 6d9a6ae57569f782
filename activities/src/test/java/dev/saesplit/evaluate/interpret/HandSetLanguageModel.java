package dev.saesplit.evaluate.interpret;

import ai.djl.ndarray.NDManager;
import dev.saesplit.lm.ActivationFunction;
import dev.saesplit.lm.HookPoint;
import dev.saesplit.lm.Normalization;
import dev.saesplit.lm.Transformer;
import dev.saesplit.lm.TransformerConfig;
import dev.saesplit.lm.TransformerLensLayout;
import dev.saesplit.lm.TransformerWeights;
import dev.saesplit.sae.SaeConfig;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.sae.StandardArchitecture;

import java.util.HashMap;
import java.util.Map;

/**
 * A one-layer transformer over {@link WordTokenizer}'s vocabulary whose weights are set by hand so every
 * activation is known. Embeddings are one-hot ({@code d_model} = vocabulary size, no positional embedding, no
 * LayerNorm); attention scores are all zero, so each position attends uniformly to itself and everything before,
 * and the value and output projections are identities. So at position {@code p} of tokens {@code t}:
 * <pre>
 *   blocks.0.hook_resid_mid[p] = e(t_p) + (1 / (p + 1)) · Σ_{q <= p} e(t_q)
 * </pre>
 * where {@code e(i)} is the i-th unit vector: a token's own coordinate is 1 + (its count so far)/(p + 1), any other
 * token's is its count so far over {@code p + 1}. The MLP is zero. The unembedding {@code W_U [d_model, d_vocab]}
 * is the identity plus one padding column (id = vocabulary size) of 100s, which no tokenizer id reaches.
 */
final class HandSetLanguageModel {

    static final int V = WordTokenizer.VOCABULARY.size();
    static final int D_VOCAB = V + 1;
    static final HookPoint RESID_MID = HookPoint.blockHook(HookPoint.Site.RESID_MID, 0);
    static final float PADDING_LOGIT = 100f;

    private HandSetLanguageModel() {
    }

    static Transformer upload(NDManager manager) {
        TransformerConfig config = new TransformerConfig("hand-set", 1, V, V, 1, 4, D_VOCAB, 16,
                ActivationFunction.RELU, Normalization.NONE, TransformerConfig.DEFAULT_EPS);
        Map<String, float[]> values = new HashMap<>();
        TransformerLensLayout.shapes(config).forEach((name, shape) -> values.put(name, new float[size(shape)]));
        float[] embed = values.get(TransformerLensLayout.W_E);
        float[] valueProjection = values.get(TransformerLensLayout.block(0, "attn.W_V"));
        float[] outputProjection = values.get(TransformerLensLayout.block(0, "attn.W_O"));
        float[] unembed = values.get(TransformerLensLayout.W_U);
        for (int i = 0; i < V; i++) {
            embed[i * V + i] = 1f;
            valueProjection[i * V + i] = 1f;
            outputProjection[i * V + i] = 1f;
            unembed[i * D_VOCAB + i] = 1f;
            unembed[i * D_VOCAB + V] = PADDING_LOGIT;
        }
        return Transformer.upload(TransformerWeights.of(config, values, "hand-set test model"), manager);
    }

    /** The unit vector of {@code token}, scaled: an encoder column that reads that token's coordinate. */
    static float[] unit(String token, float scale) {
        float[] v = new float[V];
        v[WordTokenizer.id(token)] = scale;
        return v;
    }

    /**
     * A ReLU SAE reading {@code blocks.0.hook_resid_mid} with zero biases: latent j's activation is
     * {@code max(0, x · encoders[j])}; its decoder row is {@code decoders[j]}.
     */
    static SaeWeights sae(float[][] encoders, float[][] decoders) {
        int dSae = encoders.length;
        float[] wEnc = new float[V * dSae];
        float[] wDec = new float[dSae * V];
        for (int j = 0; j < dSae; j++) {
            for (int i = 0; i < V; i++) {
                wEnc[i * dSae + j] = encoders[j][i];
                wDec[j * V + i] = decoders[j][i];
            }
        }
        return new SaeWeights(SaeConfig.of(V, dSae, new StandardArchitecture(), "hand-set", RESID_MID.name()),
                wEnc, new float[dSae], wDec, new float[V]);
    }

    private static int size(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return (int) n;
    }
}
