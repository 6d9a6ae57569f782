package dev.saesplit.lm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.saesplit.lm.Transformer;
import dev.saesplit.lm.tokens.CutVocabulary;
import dev.saesplit.lm.tokens.CutVocabularyTokenizer;
import dev.saesplit.lm.tokens.Tokenizer;
import dev.saesplit.random.SplitMix64;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Completions sampled from a model through the model stage ({@link Transformer}), so a trained model's samples
 * also show that the saved files load: temperature sampling from a seed, the same text on every run. The unknown
 * token is never drawn: it stands for every token the vocabulary cut dropped, so it is often the likeliest single
 * id where a rare identifier starts, and a sample full of {@code <unk>} says little.
 */
final class SampleCompletions {

    /**
     * Code, prose and the uses of "-" the hyphen study looks at. None ends in a space: GPT-2's BPE attaches a space
     * to the word after it, so a prompt's trailing space would be a token the model rarely saw.
     */
    static final List<String> PROMPTS = List.of("def", "import", "class", "    # Return the",
            "x = a - b", "parser.add_argument('--", "This module is thread-", "The");
    private static final int NEW_TOKENS = 32;
    private static final double TEMPERATURE = 0.7;

    private SampleCompletions() {
    }

    static List<TrainingReport.Sample> sample(Transformer model, Tokenizer tokenizer, long seed, NDManager manager) {
        SplitMix64 random = new SplitMix64(seed);
        int bos = tokenizer.bosTokenId().orElseThrow();
        int nCtx = model.config().nCtx();
        int unknown = tokenizer instanceof CutVocabularyTokenizer ? CutVocabulary.UNKNOWN : -1;
        List<TrainingReport.Sample> samples = new ArrayList<>();
        for (String prompt : PROMPTS) {
            int[] encoded = tokenizer.encode(prompt);
            int[] tokens = new int[1 + encoded.length + NEW_TOKENS];
            tokens[0] = bos;
            System.arraycopy(encoded, 0, tokens, 1, encoded.length);
            int length = 1 + encoded.length;
            for (int i = 0; i < NEW_TOKENS; i++) {
                int from = Math.max(0, length - nCtx);
                try (NDManager scope = manager.newSubManager()) {
                    NDArray ids = scope.create(Arrays.copyOfRange(tokens, from, length), new Shape(1, length - from));
                    float[] logits = model.logits(ids).get(new NDIndex("0, -1")).toFloatArray();
                    if (unknown >= 0) {
                        logits[unknown] = Float.NEGATIVE_INFINITY;
                    }
                    tokens[length++] = draw(logits, random);
                }
            }
            samples.add(new TrainingReport.Sample(prompt,
                    tokenizer.decode(Arrays.copyOfRange(tokens, 1 + encoded.length, length))));
        }
        return samples;
    }

    private static int draw(float[] logits, SplitMix64 random) {
        double max = Double.NEGATIVE_INFINITY;
        for (float logit : logits) {
            max = Math.max(max, logit);
        }
        double[] weights = new double[logits.length];
        double total = 0;
        for (int i = 0; i < logits.length; i++) {
            weights[i] = Math.exp((logits[i] - max) / TEMPERATURE);
            total += weights[i];
        }
        double target = random.nextDouble() * total;
        for (int i = 0; i < weights.length; i++) {
            target -= weights[i];
            if (target < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }
}
