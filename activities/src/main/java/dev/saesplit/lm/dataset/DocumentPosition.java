package dev.saesplit.lm.dataset;

/**
 * A place in a document stream: token {@code offset} of document {@code document}. An offset equal to the
 * document's length is the place just after it, which reads as the start of the next document.
 */
public record DocumentPosition(long document, long offset) {

    public static final DocumentPosition START = new DocumentPosition(0, 0);

    public DocumentPosition {
        if (document < 0 || offset < 0) {
            throw new IllegalArgumentException("document " + document + " offset " + offset + " is negative");
        }
    }
}
