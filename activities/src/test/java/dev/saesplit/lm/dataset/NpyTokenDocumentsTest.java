package dev.saesplit.lm.dataset;

import dev.saesplit.data.npy.NpyDtype;
import dev.saesplit.data.npy.NpyWriter;
import dev.saesplit.lm.tokens.TokenFixtures;
import dev.saesplit.pipeline.BadInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.stream.IntStream;

import static dev.saesplit.lm.dataset.TextFileDocumentsTest.segments;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NpyTokenDocumentsTest {

    @Test
    void aOneDimensionalInt32ArrayIsOneStreamDocument() {
        NpyTokenDocuments documents = new NpyTokenDocuments(TokenFixtures.path("tokens_int32.npy"));
        List<DocumentSegment> read = segments(documents, DocumentPosition.START);
        assertEquals(1, read.size());
        assertArrayEquals(IntStream.range(100, 120).toArray(), read.get(0).tokens());
        assertFalse(documents.pretokenizedContexts());
        assertArrayEquals(IntStream.range(107, 120).toArray(),
                segments(documents, new DocumentPosition(0, 7)).get(0).tokens());
    }

    @Test
    void aStreamIsBatchedAcrossItsSegmentsWithoutSeparators() {
        NpyTokenDocuments documents = new NpyTokenDocuments(TokenFixtures.path("tokens_int32.npy"));
        ContextBatcher batcher = new ContextBatcher(documents, ContextSettings.saeLensDefaults(5), OptionalInt.of(0));
        try (ContextStream contexts = batcher.contexts()) {
            assertArrayEquals(new int[] {0, 100, 101, 102, 103}, contexts.next().tokenIds());
            assertArrayEquals(new int[] {0, 104, 105, 106, 107}, contexts.next().tokenIds());
        }
    }

    @Test
    void aStreamLongerThanOneSegmentContinuesAcrossTheSeamWithoutABos(@TempDir Path folder) throws IOException {
        Path file = folder.resolve("long.npy");
        int length = NpyTokenDocuments.STREAM_SEGMENT_TOKENS + 10;
        try (NpyWriter writer = NpyWriter.create(file, NpyDtype.INT32)) {
            writer.writeInts(IntStream.range(1, length + 1).toArray(), 0, length);
        }
        ContextBatcher batcher = new ContextBatcher(new NpyTokenDocuments(file),
                new ContextSettings(8, false, true, ContextSettings.UNLIMITED), OptionalInt.of(0));
        long contexts = 0;
        int expected = 1;
        try (ContextStream stream = batcher.contexts()) {
            while (stream.hasNext()) {
                TokenContext context = stream.next();
                for (int i = 0; i < context.size(); i++) {
                    assertEquals(expected++, context.tokenId(i), "position " + i + " of " + context);
                }
                contexts++;
            }
        }
        assertEquals(length / 8, contexts);
    }

    @Test
    void anInt64IdBeyondTheIntRangeIsBadInput(@TempDir Path folder) throws IOException {
        Path file = folder.resolve("huge.npy");
        try (NpyWriter writer = NpyWriter.create(file, NpyDtype.INT64)) {
            writer.writeLongs(new long[] {5, 1L << 40}, 0, 2);
        }
        RuntimeException error = assertThrows(RuntimeException.class,
                () -> segments(new NpyTokenDocuments(file), DocumentPosition.START));
        assertTrue(error instanceof BadInput && error.getMessage().contains("element 1 = 1099511627776"),
                error.getMessage());
    }

    @Test
    void aTwoDimensionalInt64ArrayHoldsOnePretokenizedContextPerRow() {
        NpyTokenDocuments documents = new NpyTokenDocuments(TokenFixtures.path("tokens_int64.npy"));
        assertTrue(documents.pretokenizedContexts());
        assertEquals(OptionalLong.of(3), documents.documentCount());
        List<DocumentSegment> read = segments(documents, new DocumentPosition(1, 0));
        assertEquals(2, read.size());
        assertArrayEquals(new int[] {0, 10, 11, 12, 13, 14, 15, 16}, read.get(0).tokens());
        assertTrue(documents.describe(2).endsWith("tokens_int64.npy row 2"));
    }

    @Test
    void uint16IdsReadAsUnsigned() {
        List<DocumentSegment> read = segments(new NpyTokenDocuments(TokenFixtures.path("tokens_uint16.npy")),
                DocumentPosition.START);
        assertArrayEquals(new int[] {50256, 15496, 995, 60000, 65535}, read.get(0).tokens());
    }

    @Test
    void aFloatArrayIsBadInputNamingTheFile(@TempDir Path folder) throws IOException {
        Path floats = folder.resolve("floats.npy");
        Files.copy(TokenFixtures.path("tokens_int32.npy"), floats);
        byte[] bytes = Files.readAllBytes(floats);
        String header = new String(bytes, 0, 80, StandardCharsets.ISO_8859_1);
        int at = header.indexOf("<i4");
        bytes[at + 1] = 'f';
        Files.write(floats, bytes);
        DocumentFormatException error = assertThrows(DocumentFormatException.class,
                () -> new NpyTokenDocuments(floats));
        assertTrue(error.getMessage().startsWith(floats + ": dtype float32"), error.getMessage());
    }
}
