package dev.saesplit.lm.dataset;

import dev.saesplit.lm.tokens.Gpt2BpeTokenizer;
import dev.saesplit.lm.tokens.TokenFixtures;
import dev.saesplit.lm.tokens.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TextFileDocumentsTest {

    private final Tokenizer gpt2 = new Gpt2BpeTokenizer();
    private final Path corpus = TokenFixtures.path("corpus");

    static List<DocumentSegment> segments(TokenDocuments documents, DocumentPosition from) {
        List<DocumentSegment> segments = new ArrayList<>();
        try (DocumentSegments read = documents.read(from)) {
            read.forEachRemaining(segments::add);
        }
        return segments;
    }

    @Test
    void readsAFolderRecursivelyInSortedOrderKeepingTheDefaultExtensions() throws IOException {
        TextFileDocuments documents = new TextFileDocuments(corpus, gpt2);
        List<DocumentSegment> read = segments(documents, DocumentPosition.START);
        List<String> files = List.of("a_intro.txt", "b_readme.md", "notes/c_script.py");
        assertEquals(files.size(), read.size());
        for (int i = 0; i < files.size(); i++) {
            assertEquals(i, read.get(i).document());
            assertArrayEquals(gpt2.encode(Files.readString(corpus.resolve(files.get(i)))), read.get(i).tokens());
        }
        assertEquals(OptionalLong.of(3), documents.documentCount());
    }

    @Test
    void anExtensionFilterChoosesTheFiles() {
        TextFileDocuments documents = new TextFileDocuments(corpus, Set.of(".py"), gpt2);
        assertEquals(OptionalLong.of(1), documents.documentCount());
        assertTrue(documents.describe(0).endsWith("c_script.py"));
    }

    @Test
    void readingFromAPositionSkipsEarlierFilesAndTokens() {
        TextFileDocuments documents = new TextFileDocuments(corpus, gpt2);
        List<DocumentSegment> all = segments(documents, DocumentPosition.START);
        DocumentSegment resumed = segments(documents, new DocumentPosition(1, 2)).get(0);
        assertEquals(1, resumed.document());
        assertEquals(2, resumed.offset());
        int[] whole = all.get(1).tokens();
        assertArrayEquals(Arrays.copyOfRange(whole, 2, whole.length), resumed.tokens());
    }

    @Test
    void identityIsStableAndChangesWithContent(@TempDir Path folder) throws IOException {
        Files.writeString(folder.resolve("one.txt"), "first text");
        String before = new TextFileDocuments(folder, gpt2).identity();
        assertEquals(before, new TextFileDocuments(folder, gpt2).identity());
        assertTrue(before.startsWith("text[.md, .py, .txt] tokenizer=gpt2:r50k_base files=1[one.txt] bytes=10"),
                before);
        Files.writeString(folder.resolve("one.txt"), "first texT");
        assertNotEquals(before, new TextFileDocuments(folder, gpt2).identity());
    }

    @Test
    void aMissingPathIsBadInputNamingIt(@TempDir Path folder) {
        Path missing = folder.resolve("absent");
        DocumentFormatException error = assertThrows(DocumentFormatException.class,
                () -> new TextFileDocuments(missing, gpt2));
        assertTrue(error.getMessage().startsWith(missing.toString()), error.getMessage());
    }
}
