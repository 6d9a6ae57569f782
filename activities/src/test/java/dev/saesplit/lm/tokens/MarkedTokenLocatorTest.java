package dev.saesplit.lm.tokens;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MarkedTokenLocatorTest {

    private final Tokenizer gpt2 = new Gpt2BpeTokenizer();

    @Test
    void findsTheHyphenOfMultiMillionaire() {
        int position = MarkedTokenLocator.positionOf(gpt2, "I'm a multi-millionaire", "-");
        assertEquals("-", gpt2.tokenText(gpt2.encode("I'm a multi-millionaire")[position]));
    }

    @Test
    void matchesATokenWithALeadingSpaceByItsTrimmedText() {
        int position = MarkedTokenLocator.positionOf(gpt2, "A 3-point landing", "landing");
        assertEquals(" landing", gpt2.tokenText(gpt2.encode("A 3-point landing")[position]));
    }

    @Test
    void takesTheFirstOfSeveralMatches() {
        assertEquals(1, MarkedTokenLocator.positionOf(gpt2, "a-b-c", "-"));
    }

    @Test
    void aMissingTokenIsAnErrorListingThePromptsTokens() {
        MarkedTokenNotFoundException error = assertThrows(MarkedTokenNotFoundException.class,
                () -> MarkedTokenLocator.positionOf(gpt2, "long-standing", "standing-"));
        assertTrue(error.getMessage().contains("[\"long\", \"-\", \"standing\"]"), error.getMessage());
    }
}
