package dev.saesplit.lm.dataset;

import java.util.Iterator;

/** Segments of a document stream in order, holding a file or a query open until closed. Not thread-safe. */
public interface DocumentSegments extends Iterator<DocumentSegment>, AutoCloseable {

    @Override
    void close();
}
