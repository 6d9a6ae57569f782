package dev.saesplit.lm.train;

import dev.saesplit.lm.tokens.CutVocabulary;
import dev.saesplit.lm.tokens.Gpt2BpeTokenizer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NgramBaselinesTest {

    @Test
    void onAlternatingTokensTheUnigramPaysLnTwoAndTheBigramAlmostNothing() {
        Gpt2BpeTokenizer gpt2 = new Gpt2BpeTokenizer();
        int[] document = gpt2.encode(" a b".repeat(400));
        long[] counts = new long[gpt2.vocabSize()];
        for (int id : document) {
            counts[id]++;
        }
        CutVocabulary vocabulary = CutVocabulary.mostFrequent(counts, 4);
        TokenContexts contexts = TokenContexts.of(List.of(document), vocabulary, 9);

        NgramBaselines baselines = NgramBaselines.measure(contexts, HeldOutSample.of(contexts, 50), 4);

        // Every context is BOS then 8 tokens alternating " a", " b", ...: the targets are " a" and " b" half each,
        // so a model of frequencies pays ln 2 (a little more for add-one smoothing), while one token of context
        // (BOS is always followed by " a") predicts every target, and the least smoothing wins.
        assertEquals(Math.log(2), baselines.unigram(), 0.01);
        assertTrue(baselines.unigram() > Math.log(2), baselines.toString());
        assertEquals(0, baselines.bigram(), 1e-3);
        assertEquals(0.01, baselines.bigramSmoothing(), baselines.toString());
    }
}
