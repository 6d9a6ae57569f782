package dev.saesplit.lm.dataset;

import java.util.OptionalInt;

/**
 * Turns documents into fixed-length contexts for the language model, following SAELens's activation store (see
 * docs/tokens.md): raw documents are concatenated with BOS placed by {@link ContextSettings}; rows of a
 * pre-tokenized dataset are contexts already. The same source and settings always give the same contexts, and a
 * stream can start at any {@link ContextCursor}.
 */
public final class ContextBatcher {

    private final TokenDocuments documents;
    private final ContextSettings settings;
    private final int bos;

    /**
     * @param bosTokenId the vocabulary's BOS (a {@code Tokenizer}'s {@code bosTokenId()}); needed only when the
     *                   settings place BOS tokens in concatenated documents
     */
    public ContextBatcher(TokenDocuments documents, ContextSettings settings, OptionalInt bosTokenId) {
        boolean placesBos = documents.pretokenizedContexts() ? settings.splitRows() && settings.prependBos()
                : settings.needsBos();
        if (placesBos && bosTokenId.isEmpty()) {
            throw new ContextSettingsException("the tokenizer declares no BOS token, so prepend_bos and the BOS"
                    + " document separator cannot be used; turn both off");
        }
        this.documents = documents;
        this.settings = settings;
        this.bos = bosTokenId.orElse(-1);
    }

    public ContextSettings settings() {
        return settings;
    }

    /** Contexts from the first. */
    public ContextStream contexts() {
        return contexts(ContextCursor.START);
    }

    /** Contexts from {@code from} on: the same contexts a stream from the start gives from that index. */
    public ContextStream contexts(ContextCursor from) {
        DocumentSegments segments = documents.read(from.position());
        ContextStream.ContextBuilder builder = !documents.pretokenizedContexts()
                ? new ConcatenatedContexts(segments, settings, bos, from.contextIndex())
                : settings.splitRows() ? new SplitRowContexts(segments, settings, bos, from.contextIndex())
                : new PretokenizedContexts(documents, segments, settings, from.contextIndex());
        return new ContextStream(segments, builder);
    }

    /**
     * The cursor of context {@code contextIndex}, for when only the index was kept. Free for pre-tokenized rows used whole;
     * for raw documents it re-reads (and re-tokenizes) everything before, since where a context starts depends on
     * every earlier document's length. A cursor kept from {@link TokenContext#next()} avoids that cost.
     *
     * @throws IllegalArgumentException if the source has fewer contexts
     */
    public ContextCursor cursorAt(long contextIndex) {
        if (contextIndex == 0) {
            return ContextCursor.START;
        }
        if (documents.pretokenizedContexts() && !settings.splitRows()) {
            return new ContextCursor(contextIndex, contextIndex, 0);
        }
        try (ContextStream stream = contexts()) {
            TokenContext last = null;
            for (long i = 0; i < contextIndex; i++) {
                if (!stream.hasNext()) {
                    throw new IllegalArgumentException("context " + contextIndex + " does not exist: the documents"
                            + " make " + i + " contexts");
                }
                last = stream.next();
            }
            return last.next();
        }
    }
}
