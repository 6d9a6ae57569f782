package dev.saesplit.lm.dataset;

import java.util.Arrays;

/**
 * One context of {@code size()} tokens and, for every position, where its token came from: the document and the
 * token's offset in it, so that later stages can show a token in its surrounding text. A BOS the batcher inserted
 * has offset {@link #INSERTED} and the document it introduces (or continues).
 */
public final class TokenContext {

    public static final long INSERTED = -1;

    private final long index;
    private final int[] tokenIds;
    private final long[] documents;
    private final long[] documentOffsets;
    private final ContextCursor next;

    /** Takes ownership of the arrays: the batcher builds them for this context alone. */
    TokenContext(long index, int[] tokenIds, long[] documents, long[] documentOffsets, ContextCursor next) {
        this.index = index;
        this.tokenIds = tokenIds;
        this.documents = documents;
        this.documentOffsets = documentOffsets;
        this.next = next;
    }

    /** Position of this context in the stream, from 0. */
    public long index() {
        return index;
    }

    public int size() {
        return tokenIds.length;
    }

    public int tokenId(int position) {
        return tokenIds[position];
    }

    /** A copy of the token ids, position by position. */
    public int[] tokenIds() {
        return tokenIds.clone();
    }

    /** The document the token at {@code position} came from (or, for an inserted BOS, introduces). */
    public long document(int position) {
        return documents[position];
    }

    /** The token's offset in its document, or {@link #INSERTED}. */
    public long documentOffset(int position) {
        return documentOffsets[position];
    }

    public boolean isInserted(int position) {
        return documentOffsets[position] == INSERTED;
    }

    /** Where the following context starts: keep it to resume after this one. */
    public ContextCursor next() {
        return next;
    }

    @Override
    public String toString() {
        return "context " + index + " " + Arrays.toString(tokenIds);
    }
}
