package dev.saesplit.lm.dataset;

import java.util.OptionalLong;

/**
 * A corpus as a deterministic sequence of tokenized documents. Reading can start anywhere, so a context stream can
 * resume from a recorded {@link DocumentPosition} without re-reading what came before; sources skip whole
 * documents without tokenizing them.
 */
public interface TokenDocuments {

    /** Segments from {@code from} on; empty documents are skipped (they still count in the numbering). */
    DocumentSegments read(DocumentPosition from);

    /**
     * True when every document is an already-built context (a pre-tokenized dataset's row), to be used as it is
     * rather than concatenated with its neighbours.
     */
    boolean pretokenizedContexts();

    /** The number of documents, when the source knows it without reading everything. */
    OptionalLong documentCount();

    /** For error messages: where document {@code document} lives, e.g. {@code shard-1.parquet row 5}. */
    String describe(long document);

    /**
     * Stable across runs and machines, for content keys: the kind, what it was read with (tokenizer, field), the
     * files' names and sizes, and a SHA-256 of their contents. May read every file once; computed on first use.
     */
    String identity();
}
