package dev.saesplit.lm.tokens;

import org.junit.jupiter.api.Test;

import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class Gpt2BpeTokenizerTest {

    private final Tokenizer gpt2 = new Gpt2BpeTokenizer();

    @Test
    void encodesHelloWorldToGpt2sKnownIds() {
        assertArrayEquals(new int[] {15496, 995}, gpt2.encode("Hello world"));
    }

    @Test
    void decodingTheEncodingGivesBackTheText() {
        String text = "I'm a multi-millionaire; naïve café — 8-speed\n\tdone.";
        assertEquals(text, gpt2.decode(gpt2.encode(text)));
    }

    @Test
    void tokenTextKeepsTheLeadingSpace() {
        assertEquals(" world", gpt2.tokenText(995));
    }

    @Test
    void aLiteralEndOfTextBecomesTheSpecialToken() {
        assertArrayEquals(new int[] {15496, 50256, 995}, gpt2.encode("Hello<|endoftext|> world"));
    }

    @Test
    void declaresEndOfTextAsBosAndTheFullVocabulary() {
        assertEquals(OptionalInt.of(50256), gpt2.bosTokenId());
        assertEquals(50257, gpt2.vocabSize());
        assertEquals("gpt2:r50k_base", gpt2.identity());
    }
}
