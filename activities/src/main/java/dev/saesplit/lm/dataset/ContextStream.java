package dev.saesplit.lm.dataset;

import java.util.Iterator;
import java.util.NoSuchElementException;

/** Contexts in order, holding the document source open until closed. Not thread-safe. */
public final class ContextStream implements Iterator<TokenContext>, AutoCloseable {

    /** Builds the next context, or returns {@code null} when no whole context is left. */
    interface ContextBuilder {
        TokenContext build();
    }

    private final DocumentSegments segments;
    private final ContextBuilder builder;
    private TokenContext pending;
    private boolean finished;

    ContextStream(DocumentSegments segments, ContextBuilder builder) {
        this.segments = segments;
        this.builder = builder;
    }

    @Override
    public boolean hasNext() {
        if (pending == null && !finished) {
            pending = builder.build();
            finished = pending == null;
        }
        return pending != null;
    }

    @Override
    public TokenContext next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        TokenContext context = pending;
        pending = null;
        return context;
    }

    @Override
    public void close() {
        segments.close();
    }
}
