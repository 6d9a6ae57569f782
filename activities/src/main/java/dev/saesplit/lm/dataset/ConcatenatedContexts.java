package dev.saesplit.lm.dataset;

/**
 * Concatenates documents into contexts as SAELens's {@code concat_and_batch_sequences} does: BOS at the start of
 * each context unless the token there is already BOS, BOS between documents unless the next document starts with
 * it, documents split across contexts, and the incomplete tail dropped.
 */
final class ConcatenatedContexts implements ContextStream.ContextBuilder {

    private static final long NO_DOCUMENT = -1;

    private final DocumentSegments segments;
    private final ContextSettings settings;
    private final int bos;
    private long index;
    private DocumentSegment segment;
    private int used;
    private long lastDocument = NO_DOCUMENT;

    ConcatenatedContexts(DocumentSegments segments, ContextSettings settings, int bos, long firstIndex) {
        this.segments = segments;
        this.settings = settings;
        this.bos = bos;
        this.index = firstIndex;
    }

    @Override
    public TokenContext build() {
        if (index >= settings.maxContexts()) {
            return null;
        }
        int size = settings.contextSize();
        int[] ids = new int[size];
        long[] documents = new long[size];
        long[] offsets = new long[size];
        int filled = 0;
        while (filled < size) {
            if (segment == null || used == segment.tokens().length) {
                if (!segments.hasNext()) {
                    return null; // the incomplete tail is dropped, as in SAELens
                }
                segment = segments.next();
                used = 0;
                boolean newDocument = segment.document() != lastDocument;
                lastDocument = segment.document();
                if (newDocument && filled > 0 && settings.separateDocumentsWithBos() && segment.tokens()[0] != bos) {
                    filled = insertBos(ids, documents, offsets, filled);
                }
                continue;
            }
            if (filled == 0 && settings.prependBos() && segment.tokens()[used] != bos) {
                filled = insertBos(ids, documents, offsets, filled);
                continue;
            }
            int take = Math.min(size - filled, segment.tokens().length - used);
            System.arraycopy(segment.tokens(), used, ids, filled, take);
            for (int i = 0; i < take; i++) {
                documents[filled + i] = segment.document();
                offsets[filled + i] = segment.offset() + used + i;
            }
            used += take;
            filled += take;
        }
        ContextCursor next = new ContextCursor(index + 1, segment.document(), segment.offset() + used);
        return new TokenContext(index++, ids, documents, offsets, next);
    }

    private int insertBos(int[] ids, long[] documents, long[] offsets, int at) {
        ids[at] = bos;
        documents[at] = segment.document();
        offsets[at] = TokenContext.INSERTED;
        return at + 1;
    }
}
