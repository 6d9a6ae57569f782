package dev.saesplit.evaluate.interpret;

import dev.saesplit.evaluate.SplitReport;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.saesplit.evaluate.interpret.WordTokenizer.BOS;
import static dev.saesplit.evaluate.interpret.WordTokenizer.ids;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ContextWindowTest {

    // Rows 0-4: context 0; rows 5-8: context 1; rows 9-12: context 2.
    private final ListedRowTokens tokens = new ListedRowTokens(List.of(
            ids(BOS, " I", "'m", " a", " multi"),
            ids("-", "millionaire", "\n", " long"),
            ids(BOS, " A", " 3", "-")));
    private final WordTokenizer tokenizer = new WordTokenizer();

    @Test
    void showsTheTokenWithRadiusTokensOnEachSide() {
        assertEquals(new SplitReport.Context(1.5, " I'm", " a", " multi"),
                new ContextWindow(tokens, tokenizer, 2).around(3, 1.5));
    }

    @Test
    void neverCrossesIntoANeighbouringContext() {
        ContextWindow wide = new ContextWindow(tokens, tokenizer, 10);

        assertEquals(new SplitReport.Context(2.0, "<bos> I'm a", " multi", ""), wide.around(4, 2.0),
                "the last row of context 0 has nothing after it, though row 5 follows");
        assertEquals(new SplitReport.Context(2.0, "", "-", "millionaire\\n long"), wide.around(5, 2.0),
                "the first row of context 1 has nothing before it");
        assertEquals(new SplitReport.Context(1.0, "<bos> A 3", "-", ""), wide.around(12, 1.0),
                "the last row of all");
    }

    @Test
    void escapesControlCharactersSoATokenThatIsANewlineIsVisible() {
        assertEquals(new SplitReport.Context(0.5, "-millionaire", "\\n", " long"),
                new ContextWindow(tokens, tokenizer, 3).around(7, 0.5));
        assertEquals("a\\tb\\u0007\\r", VisibleText.of("a\tb\u0007\r"));
        assertEquals("plain – text", VisibleText.of("plain – text"));
    }

    @Test
    void aRowOutsideTheTokensIsRefused() {
        assertThrows(IndexOutOfBoundsException.class, () -> new ContextWindow(tokens, tokenizer, 1).around(13, 1));
    }
}
