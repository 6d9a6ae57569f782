package dev.saesplit.lm.dataset;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContextBatcherTest {

    private static final int BOS = 0;
    private static final OptionalInt WITH_BOS = OptionalInt.of(BOS);

    private static List<TokenContext> all(ContextBatcher batcher, ContextCursor from) {
        List<TokenContext> contexts = new ArrayList<>();
        try (ContextStream stream = batcher.contexts(from)) {
            stream.forEachRemaining(contexts::add);
        }
        return contexts;
    }

    private static List<int[]> ids(List<TokenContext> contexts) {
        return contexts.stream().map(TokenContext::tokenIds).toList();
    }

    private static void assertContexts(List<int[]> expected, List<TokenContext> actual) {
        assertEquals(expected.size(), actual.size(), "number of contexts");
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i).tokenIds(), "context " + i);
        }
    }

    @Test
    void putsBosFirstInEveryContextAndBetweenDocuments() {
        ContextBatcher batcher = new ContextBatcher(ListedDocuments.raw(new int[] {1, 2, 3}, new int[] {4, 5, 6, 7}),
                ContextSettings.saeLensDefaults(4), WITH_BOS);
        // Document 1 opens a fresh context, which gets the context-start BOS only; the leftover 7 is the tail.
        assertContexts(List.of(new int[] {0, 1, 2, 3}, new int[] {0, 4, 5, 6}), all(batcher, ContextCursor.START));
    }

    @Test
    void separatesDocumentsInsideAContextWithBos() {
        ContextBatcher batcher = new ContextBatcher(ListedDocuments.raw(new int[] {1, 2}, new int[] {3, 4},
                new int[] {5, 6, 7, 8, 9}), ContextSettings.saeLensDefaults(6), WITH_BOS);
        assertContexts(List.of(new int[] {0, 1, 2, 0, 3, 4}, new int[] {0, 5, 6, 7, 8, 9}),
                all(batcher, ContextCursor.START));
    }

    @Test
    void addsNoBosWhereTheTokenAlreadyIsBos() {
        ContextBatcher batcher = new ContextBatcher(ListedDocuments.raw(new int[] {0, 1, 2}, new int[] {0, 3, 4}),
                ContextSettings.saeLensDefaults(3), WITH_BOS);
        assertContexts(List.of(new int[] {0, 1, 2}, new int[] {0, 3, 4}), all(batcher, ContextCursor.START));
    }

    @Test
    void aSeparatorThatFillsAContextLeavesTheNextDocumentForTheNextContext() {
        ContextBatcher batcher = new ContextBatcher(ListedDocuments.raw(new int[] {1, 2}, new int[] {3, 4, 5}),
                ContextSettings.saeLensDefaults(4), WITH_BOS);
        assertContexts(List.of(new int[] {0, 1, 2, 0}, new int[] {0, 3, 4, 5}), all(batcher, ContextCursor.START));
    }

    @Test
    void withoutBosSettingsDocumentsAreConcatenatedAsTheyAre() {
        ContextBatcher batcher = new ContextBatcher(ListedDocuments.raw(new int[] {1, 2, 3}, new int[] {4, 5}),
                new ContextSettings(2, false, false, ContextSettings.UNLIMITED), OptionalInt.empty());
        assertContexts(List.of(new int[] {1, 2}, new int[] {3, 4}), all(batcher, ContextCursor.START));
    }

    @Test
    void dropsTheIncompleteTail() {
        ContextBatcher batcher = new ContextBatcher(ListedDocuments.raw(new int[] {1, 2, 3, 4, 5}),
                ContextSettings.saeLensDefaults(4), WITH_BOS);
        assertContexts(List.of(new int[] {0, 1, 2, 3}), all(batcher, ContextCursor.START));
    }

    @Test
    void recordsEachTokensDocumentAndOffsetAndMarksInsertedTokens() {
        ContextBatcher batcher = new ContextBatcher(ListedDocuments.raw(new int[] {1, 2}, new int[] {}, new int[] {
                3, 4, 5}), ContextSettings.saeLensDefaults(6), WITH_BOS);
        TokenContext context = all(batcher, ContextCursor.START).get(0);
        assertArrayEquals(new int[] {0, 1, 2, 0, 3, 4}, context.tokenIds());
        long[] documents = new long[6];
        long[] offsets = new long[6];
        for (int i = 0; i < 6; i++) {
            documents[i] = context.document(i);
            offsets[i] = context.documentOffset(i);
        }
        // The empty document 1 is skipped but keeps its number.
        assertArrayEquals(new long[] {0, 0, 0, 2, 2, 2}, documents);
        assertArrayEquals(new long[] {-1, 0, 1, -1, 0, 1}, offsets);
        assertTrue(context.isInserted(3));
        assertEquals(new ContextCursor(1, 2, 2), context.next());
    }

    @Test
    void theSameSourceAndSettingsGiveTheSameContexts() {
        ContextBatcher batcher = new ContextBatcher(someDocuments(), ContextSettings.saeLensDefaults(5), WITH_BOS);
        assertContexts(ids(all(batcher, ContextCursor.START)), all(batcher, ContextCursor.START));
    }

    @Test
    void resumingFromAnyContextsCursorEqualsContinuing() {
        ContextBatcher batcher = new ContextBatcher(someDocuments(), ContextSettings.saeLensDefaults(5), WITH_BOS);
        List<TokenContext> everything = all(batcher, ContextCursor.START);
        assertTrue(everything.size() >= 5, "the fixture should span several contexts");
        for (int k = 0; k < everything.size(); k++) {
            ContextCursor cursor = k == 0 ? ContextCursor.START : everything.get(k - 1).next();
            assertEquals(cursor, batcher.cursorAt(k), "cursorAt(" + k + ")");
            List<TokenContext> resumed = all(batcher, cursor);
            assertContexts(ids(everything.subList(k, everything.size())), resumed);
            assertEquals(k, resumed.get(0).index());
            assertEquals(everything.get(k).document(2), resumed.get(0).document(2));
        }
    }

    @Test
    void stopsAtTheWholeContextsThatFitTheTokenLimit() {
        ContextBatcher batcher = new ContextBatcher(someDocuments(),
                ContextSettings.saeLensDefaults(5).withMaxTokens(14), WITH_BOS);
        assertEquals(2, all(batcher, ContextCursor.START).size());
    }

    @Test
    void bosSettingsWithoutABosTokenAreBadInput() {
        assertThrows(ContextSettingsException.class, () -> new ContextBatcher(someDocuments(),
                ContextSettings.saeLensDefaults(5), OptionalInt.empty()));
    }

    @Test
    void aContextOfOneWithBosIsRejected() {
        assertThrows(ContextSettingsException.class, () -> ContextSettings.saeLensDefaults(1));
    }

    @Test
    void usesPretokenizedRowsAsTheyAreCuttingLongerOnes() {
        ContextBatcher batcher = new ContextBatcher(ListedDocuments.pretokenizedRows(new int[] {7, 1, 2},
                new int[] {0, 3, 4, 5}), ContextSettings.saeLensDefaults(3), WITH_BOS);
        List<TokenContext> contexts = all(batcher, ContextCursor.START);
        assertContexts(List.of(new int[] {7, 1, 2}, new int[] {0, 3, 4}), contexts);
        assertEquals(1, contexts.get(1).document(2));
        assertEquals(2, contexts.get(1).documentOffset(2));
        assertEquals(new ContextCursor(1, 1, 0), batcher.cursorAt(1));
        assertContexts(List.of(new int[] {0, 3, 4}), all(batcher, batcher.cursorAt(1)));
    }

    @Test
    void aPretokenizedRowShorterThanTheContextIsBadInputNamingTheRow() {
        ContextBatcher batcher = new ContextBatcher(ListedDocuments.pretokenizedRows(new int[] {1, 2, 3},
                new int[] {4, 5}), ContextSettings.saeLensDefaults(3), WITH_BOS);
        DocumentFormatException error = assertThrows(DocumentFormatException.class,
                () -> all(batcher, ContextCursor.START));
        assertTrue(error.getMessage().startsWith("listed document 1:"), error.getMessage());
    }

    private static ListedDocuments someDocuments() {
        return ListedDocuments.raw(new int[] {1, 2, 3, 4, 5, 6, 7}, new int[] {0, 8, 9}, new int[] {},
                new int[] {10, 11}, new int[] {12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22}, new int[] {23},
                new int[] {24, 25, 26, 27});
    }
}
