package dev.saesplit.lm.dataset;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Pre-tokenized rows cut into several contexts each (split_rows), as gelu-1l's SAEs were trained. */
class SplitRowContextsTest {

    private static final int BOS = 0;

    private static ContextBatcher batcher(boolean prependBos, long maxTokens) {
        return new ContextBatcher(ListedDocuments.pretokenizedRows(
                new int[] {0, 11, 12, 13, 14, 15, 16, 17, 18, 19},
                new int[] {0, 21, 22},
                new int[] {31, 32, 33, 34, 35, 36, 37, 38}),
                new ContextSettings(4, prependBos, false, maxTokens, true), OptionalInt.of(BOS));
    }

    private static List<TokenContext> all(ContextBatcher batcher, ContextCursor from) {
        List<TokenContext> contexts = new ArrayList<>();
        try (ContextStream stream = batcher.contexts(from)) {
            stream.forEachRemaining(contexts::add);
        }
        return contexts;
    }

    @Test
    void eachRowGivesItsWholeContextsWithBosReplacingTheFirstToken() {
        List<TokenContext> contexts = all(batcher(true, ContextSettings.UNLIMITED), ContextCursor.START);

        List<int[]> expected = List.of(new int[] {0, 11, 12, 13}, new int[] {0, 15, 16, 17},
                new int[] {0, 32, 33, 34}, new int[] {0, 36, 37, 38});
        assertEquals(expected.size(), contexts.size(), "a row's remainder and a row shorter than a context are dropped");
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), contexts.get(i).tokenIds(), "context " + i);
            assertEquals(i, contexts.get(i).index());
        }
        assertEquals(0, contexts.get(0).documentOffset(0), "a BOS already there is the row's own token");
        assertEquals(TokenContext.INSERTED, contexts.get(1).documentOffset(0));
        assertEquals(5, contexts.get(1).documentOffset(1));
        assertEquals(2, contexts.get(2).document(1));
    }

    @Test
    void withoutBosTheRowsTokensAreKeptAsTheyAre() {
        List<TokenContext> contexts = all(batcher(false, ContextSettings.UNLIMITED), ContextCursor.START);

        assertArrayEquals(new int[] {14, 15, 16, 17}, contexts.get(1).tokenIds());
        assertArrayEquals(new int[] {35, 36, 37, 38}, contexts.get(3).tokenIds());
    }

    @Test
    void resumingAtAnyContextsCursorContinuesAsTheUninterruptedStream() {
        ContextBatcher batcher = batcher(true, ContextSettings.UNLIMITED);
        List<TokenContext> uninterrupted = all(batcher, ContextCursor.START);
        for (int k = 0; k < uninterrupted.size(); k++) {
            ContextCursor cursor = k == 0 ? ContextCursor.START : uninterrupted.get(k - 1).next();
            assertEquals(cursor, batcher.cursorAt(k), "cursorAt replays to the same cursor");
            List<TokenContext> resumed = all(batcher, cursor);
            assertEquals(uninterrupted.size() - k, resumed.size(), "from " + k);
            for (int i = 0; i < resumed.size(); i++) {
                assertArrayEquals(uninterrupted.get(k + i).tokenIds(), resumed.get(i).tokenIds());
                assertEquals(k + i, resumed.get(i).index());
            }
        }
    }

    @Test
    void maxTokensStopsAfterTheWholeContextsThatFit() {
        assertEquals(2, all(batcher(true, 11), ContextCursor.START).size());
    }

    @Test
    void aBosIsNeededToReplaceTheFirstToken() {
        assertThrows(ContextSettingsException.class, () -> new ContextBatcher(ListedDocuments.pretokenizedRows(
                new int[] {1, 2, 3, 4}), new ContextSettings(4, true, false, ContextSettings.UNLIMITED, true),
                OptionalInt.empty()));
    }
}
