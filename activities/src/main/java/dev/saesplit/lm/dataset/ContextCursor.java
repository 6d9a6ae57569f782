package dev.saesplit.lm.dataset;

/**
 * Where a context stream stands between two contexts: context {@code contextIndex} starts with document
 * {@code document}'s token {@code offset}. Three numbers, so an activity can keep it in its heartbeat and resume
 * there on any worker.
 */
public record ContextCursor(long contextIndex, long document, long offset) {

    public static final ContextCursor START = new ContextCursor(0, 0, 0);

    public ContextCursor {
        if (contextIndex < 0 || document < 0 || offset < 0) {
            throw new IllegalArgumentException("negative cursor: context " + contextIndex + " document " + document
                    + " offset " + offset);
        }
    }

    DocumentPosition position() {
        return new DocumentPosition(document, offset);
    }
}
