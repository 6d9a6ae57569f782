package dev.saesplit.lm.dataset;

/**
 * Consecutive tokens of one document: {@code tokens} are its tokens {@code [offset, offset + tokens.length)}. Most
 * sources give a whole document as one segment; a 1-D token stream, one document of billions of tokens, comes in
 * many. The array is owned by the receiver.
 *
 * @param document index of the document in its source's order
 * @param offset   position of {@code tokens[0]} in the document
 * @param tokens   the token ids, never empty
 */
public record DocumentSegment(long document, long offset, int[] tokens) {

    public DocumentSegment {
        if (tokens.length == 0) {
            throw new IllegalArgumentException("a segment holds at least one token");
        }
    }
}
