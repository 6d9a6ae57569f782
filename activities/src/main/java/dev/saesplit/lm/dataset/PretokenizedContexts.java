package dev.saesplit.lm.dataset;

import java.util.Arrays;

/**
 * Uses each row of a pre-tokenized dataset as one context, as SAELens does: a row longer than the context is cut
 * to its first {@code contextSize} tokens, a shorter one is an error, and nothing is inserted (the dataset's
 * tokenization already placed any BOS). Context k is row k, which makes seeking free.
 */
final class PretokenizedContexts implements ContextStream.ContextBuilder {

    private final TokenDocuments source;
    private final DocumentSegments segments;
    private final ContextSettings settings;
    private long index;

    PretokenizedContexts(TokenDocuments source, DocumentSegments segments, ContextSettings settings,
                         long firstIndex) {
        this.source = source;
        this.segments = segments;
        this.settings = settings;
        this.index = firstIndex;
    }

    @Override
    public TokenContext build() {
        if (index >= settings.maxContexts() || !segments.hasNext()) {
            return null;
        }
        DocumentSegment row = segments.next();
        int size = settings.contextSize();
        if (row.document() != index) {
            // Sources pass over empty documents; here that would shift every later row to another index.
            throw new DocumentFormatException(source.describe(index), "is empty; every row of a pre-tokenized"
                    + " dataset must hold at least context_size = " + size + " tokens");
        }
        if (row.tokens().length < size) {
            throw new DocumentFormatException(source.describe(row.document()), "holds " + row.tokens().length
                    + " tokens, fewer than context_size = " + size
                    + "; pre-tokenized rows are used as contexts, so lower context_size or re-tokenize");
        }
        long[] documents = new long[size];
        long[] offsets = new long[size];
        Arrays.fill(documents, row.document());
        for (int i = 0; i < size; i++) {
            offsets[i] = i;
        }
        int[] ids = row.tokens().length == size ? row.tokens() : Arrays.copyOf(row.tokens(), size);
        ContextCursor next = new ContextCursor(index + 1, row.document() + 1, 0);
        return new TokenContext(index++, ids, documents, offsets, next);
    }
}
