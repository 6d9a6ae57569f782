package dev.saesplit.lm.dataset;

import java.util.Arrays;

/**
 * Cuts each row of a pre-tokenized dataset into consecutive contexts of {@code contextSize} tokens, dropping a
 * row's remainder shorter than a context; with {@code prependBos}, a context's first token is replaced by BOS
 * (unless it is BOS already) rather than shifted. This is how gelu-1l's SAEs were trained on
 * {@code NeelNanda/c4-code-tokenized-2b} (1024-token rows reshaped into 8 contexts of 128, position 0 set to BOS);
 * SAELens instead uses each row once, cut ({@link PretokenizedContexts}).
 */
final class SplitRowContexts implements ContextStream.ContextBuilder {

    private final DocumentSegments segments;
    private final ContextSettings settings;
    private final int bos;
    private long index;
    private DocumentSegment row;
    private int used;

    SplitRowContexts(DocumentSegments segments, ContextSettings settings, int bos, long firstIndex) {
        this.segments = segments;
        this.settings = settings;
        this.bos = bos;
        this.index = firstIndex;
    }

    @Override
    public TokenContext build() {
        int size = settings.contextSize();
        if (index >= settings.maxContexts()) {
            return null;
        }
        while (row == null || used + size > row.tokens().length) {
            if (!segments.hasNext()) {
                return null;
            }
            row = segments.next();
            used = 0;
        }
        int[] ids = Arrays.copyOfRange(row.tokens(), used, used + size);
        long[] documents = new long[size];
        long[] offsets = new long[size];
        Arrays.fill(documents, row.document());
        for (int i = 0; i < size; i++) {
            offsets[i] = row.offset() + used + i;
        }
        if (settings.prependBos() && ids[0] != bos) {
            ids[0] = bos;
            offsets[0] = TokenContext.INSERTED;
        }
        used += size;
        // Where the next context starts: later in this row, or at the start of the next.
        ContextCursor next = used + size <= row.tokens().length
                ? new ContextCursor(index + 1, row.document(), row.offset() + used)
                : new ContextCursor(index + 1, row.document() + 1, 0);
        return new TokenContext(index++, ids, documents, offsets, next);
    }
}
