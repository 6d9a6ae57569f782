package dev.saesplit.lm.dataset;

/**
 * How documents become contexts, named as in SAELens's runner config.
 *
 * @param contextSize              tokens per context
 * @param prependBos               put BOS at position 0 of every context (unless the token there already is BOS)
 * @param separateDocumentsWithBos put BOS between concatenated documents (unless the next one already starts
 *                                 with it): SAELens's {@code sequence_separator_token="bos"}
 * @param maxTokens                stop after the whole contexts that fit in this many tokens
 * @param splitRows                cut each row of a pre-tokenized dataset into as many whole contexts as it holds
 *                                 (the rest of the row is dropped), with BOS replacing a context's first token
 *                                 when {@code prependBos}; otherwise a row is one context, cut, as in SAELens
 */
public record ContextSettings(int contextSize, boolean prependBos, boolean separateDocumentsWithBos,
                              long maxTokens, boolean splitRows) {

    public static final long UNLIMITED = Long.MAX_VALUE;

    public ContextSettings {
        // A BOS-only context would consume no document tokens, so a context of 1 with BOS would never advance.
        int smallest = prependBos ? 2 : 1;
        if (contextSize < smallest) {
            throw new ContextSettingsException("context_size must be at least " + smallest
                    + (prependBos ? " with prepend_bos" : "") + ", got " + contextSize);
        }
        if (maxTokens < contextSize) {
            throw new ContextSettingsException("max tokens " + maxTokens + " is less than one context of "
                    + contextSize);
        }
    }

    /** Rows of a pre-tokenized dataset are one context each, as in SAELens. */
    public ContextSettings(int contextSize, boolean prependBos, boolean separateDocumentsWithBos, long maxTokens) {
        this(contextSize, prependBos, separateDocumentsWithBos, maxTokens, false);
    }

    /** SAELens's defaults: BOS first in every context and between documents, no token limit. */
    public static ContextSettings saeLensDefaults(int contextSize) {
        return new ContextSettings(contextSize, true, true, UNLIMITED);
    }

    public ContextSettings withMaxTokens(long tokens) {
        return new ContextSettings(contextSize, prependBos, separateDocumentsWithBos, tokens, splitRows);
    }

    /** The number of whole contexts {@link #maxTokens()} allows. */
    public long maxContexts() {
        return maxTokens / contextSize;
    }

    boolean needsBos() {
        return prependBos || separateDocumentsWithBos;
    }
}
