package dev.saesplit.lm.dataset;

import dev.saesplit.lm.tokens.Gpt2BpeTokenizer;
import dev.saesplit.lm.tokens.TokenFixtures;
import dev.saesplit.lm.tokens.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.saesplit.lm.dataset.TextFileDocumentsTest.segments;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonlDocumentsTest {

    private final Tokenizer gpt2 = new Gpt2BpeTokenizer();

    @Test
    void readsTheTextFieldOfEachLine() {
        List<DocumentSegment> read = segments(new JsonlDocuments(TokenFixtures.path("documents.jsonl"), gpt2),
                DocumentPosition.START);
        assertEquals(3, read.size());
        assertArrayEquals(gpt2.encode("I am a multi-millionaire."), read.get(0).tokens());
        assertArrayEquals(gpt2.encode("The dog sleeps."), read.get(2).tokens());
    }

    @Test
    void readsAnotherFieldWhenToldTo(@TempDir Path folder) throws IOException {
        Path file = Files.writeString(folder.resolve("rows.jsonl"), "{\"body\": \"one\"}\n\n{\"body\": \"two\"}\n");
        List<DocumentSegment> read = segments(new JsonlDocuments(file, "body", gpt2), DocumentPosition.START);
        assertEquals(2, read.size(), "a blank line is not a document");
        assertArrayEquals(gpt2.encode("two"), read.get(1).tokens());
        assertEquals(1, read.get(1).document());
    }

    @Test
    void startsAtTheDocumentAskedFor() {
        JsonlDocuments documents = new JsonlDocuments(TokenFixtures.path("documents.jsonl"), gpt2);
        List<DocumentSegment> read = segments(documents, new DocumentPosition(2, 0));
        assertEquals(1, read.size());
        assertEquals(2, read.get(0).document());
    }

    @Test
    void aMalformedLineIsBadInputNamingFileAndLine() {
        Path file = TokenFixtures.path("malformed.jsonl");
        DocumentFormatException error = assertThrows(DocumentFormatException.class,
                () -> segments(new JsonlDocuments(file, gpt2), DocumentPosition.START));
        assertEquals(file + ":2: not valid JSON", error.getMessage().substring(0, (file + ":2: not valid JSON")
                .length()));
    }

    @Test
    void aLineWithoutTheFieldIsBadInputNamingFileLineAndField() {
        Path file = TokenFixtures.path("documents.jsonl");
        DocumentFormatException error = assertThrows(DocumentFormatException.class,
                () -> segments(new JsonlDocuments(file, "source", gpt2), DocumentPosition.START));
        assertEquals(file + ":1: has no field 'source'", error.getMessage());
    }

    @Test
    void invalidUtf8IsBadInputNamingTheFileNotARetriedIoFault(@TempDir Path folder) throws IOException {
        Path file = Files.write(folder.resolve("rows.jsonl"), new byte[] {'{', '"', 't', (byte) 0xC3, '"', '}', '\n'});

        DocumentFormatException error = assertThrows(DocumentFormatException.class,
                () -> segments(new JsonlDocuments(file, gpt2), DocumentPosition.START));

        assertTrue(error.getMessage().startsWith(file + ":1: is not valid UTF-8"), error.getMessage());
    }
}
