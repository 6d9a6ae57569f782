package dev.saesplit.evaluate.interpret;

import dev.saesplit.data.RowTokens;
import dev.saesplit.evaluate.SplitReport;
import dev.saesplit.lm.tokens.Tokenizer;

/**
 * A row's token shown in its own context: up to {@code radius} tokens before and after it, never crossing into
 * another context (the model never saw those tokens together). Rows of one context are consecutive in
 * {@link RowTokens}, so the neighbours are the adjacent rows that share its context index.
 */
final class ContextWindow {

    private final RowTokens tokens;
    private final Tokenizer tokenizer;
    private final int radius;

    ContextWindow(RowTokens tokens, Tokenizer tokenizer, int radius) {
        if (radius < 0) {
            throw new IllegalArgumentException("context radius must be >= 0, was " + radius);
        }
        this.tokens = tokens;
        this.tokenizer = tokenizer;
        this.radius = radius;
    }

    /** Row {@code row} of {@code tokens}, with the latent's {@code activation} there. */
    SplitReport.Context around(long row, double activation) {
        if (row < 0 || row >= tokens.rows()) {
            throw new IndexOutOfBoundsException("row " + row + " outside the " + tokens.rows() + " rows with tokens");
        }
        long context = tokens.context(row);
        long first = row;
        while (first > 0 && row - first < radius && tokens.context(first - 1) == context) {
            first--;
        }
        long last = row;
        while (last + 1 < tokens.rows() && last - row < radius && tokens.context(last + 1) == context) {
            last++;
        }
        return new SplitReport.Context(activation, text(first, row), VisibleText.of(tokenizer.tokenText(
                tokens.tokenId(row))), text(row + 1, last + 1));
    }

    /** Decoded text of rows {@code [from, to)}: decoded together, so multi-byte characters split over tokens join. */
    private String text(long from, long to) {
        int[] ids = new int[(int) (to - from)];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = tokens.tokenId(from + i);
        }
        return ids.length == 0 ? "" : VisibleText.of(tokenizer.decode(ids));
    }
}
