package dev.saesplit.lm.dataset;

import java.util.Arrays;
import java.util.NoSuchElementException;
import java.util.function.LongFunction;

/**
 * Segments for sources that produce whole documents: the first document read is cut at the starting offset,
 * empty documents are passed over, and numbering continues from the first document asked for.
 */
final class WholeDocumentSegments implements DocumentSegments {

    /** Whole documents from a given index on, each {@code null} once exhausted. */
    interface WholeDocuments extends AutoCloseable {
        int[] next();

        /** For errors: where the document just returned came from. */
        String describeLast();

        @Override
        void close();
    }

    private final WholeDocuments documents;
    private long nextDocument;
    private long firstOffset;
    private DocumentSegment pending;

    /** For sources that reach any document by its index: {@code documentAt(i)} for i in {@code [from, count)}. */
    static WholeDocumentSegments indexed(long count, LongFunction<int[]> documentAt,
                                         LongFunction<String> describe, DocumentPosition from) {
        return new WholeDocumentSegments(new WholeDocuments() {
            private long next = from.document();

            @Override
            public int[] next() {
                return next < count ? documentAt.apply(next++) : null;
            }

            @Override
            public String describeLast() {
                return describe.apply(next - 1);
            }

            @Override
            public void close() {
            }
        }, from);
    }

    WholeDocumentSegments(WholeDocuments documents, DocumentPosition from) {
        this.documents = documents;
        this.nextDocument = from.document();
        this.firstOffset = from.offset();
    }

    @Override
    public boolean hasNext() {
        while (pending == null) {
            int[] tokens = documents.next();
            if (tokens == null) {
                return false;
            }
            long offset = firstOffset;
            firstOffset = 0;
            if (offset > tokens.length) {
                throw new IllegalArgumentException(documents.describeLast() + " has " + tokens.length
                        + " tokens; cannot start at offset " + offset + " (was the corpus changed?)");
            }
            if (offset < tokens.length) {
                int[] part = offset == 0 ? tokens : Arrays.copyOfRange(tokens, (int) offset, tokens.length);
                pending = new DocumentSegment(nextDocument, offset, part);
            }
            nextDocument++;
        }
        return true;
    }

    @Override
    public DocumentSegment next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        DocumentSegment segment = pending;
        pending = null;
        return segment;
    }

    @Override
    public void close() {
        documents.close();
    }
}
