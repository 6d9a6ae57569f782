package dev.saesplit.data;

/**
 * The split of an experiment's activations into rows SAEs train on and rows they are judged on. The held-out
 * rows are the last ones: a tenth of the data, at most {@link #MAX_HELD_OUT_ROWS}. Every stage that trains (the
 * narrow SAE, the filter that selects training tokens, the wide SAEs) sees only the training rows, so an
 * evaluation never scores an SAE on tokens it was fitted to.
 */
public final class HeldOutSplit {

    public static final long MAX_HELD_OUT_ROWS = 65_536;
    static final int HELD_OUT_DIVISOR = 10;

    private HeldOutSplit() {
    }

    /** Rows held out of {@code tokens} rows. */
    public static long heldOutRows(long tokens) {
        return Math.min(MAX_HELD_OUT_ROWS, tokens / HELD_OUT_DIVISOR);
    }

    /** Rows left for training out of {@code tokens} rows. */
    public static long trainingRows(long tokens) {
        return tokens - heldOutRows(tokens);
    }

    /** The training rows of {@code all}, which the returned view owns. */
    public static RowRangeSource training(ActivationSource all) {
        return new RowRangeSource(all, 0, trainingRows(all.tokens()));
    }

    /** The held-out rows of {@code all}, which the returned view owns. */
    public static RowRangeSource heldOut(ActivationSource all) {
        return new RowRangeSource(all, trainingRows(all.tokens()), heldOutRows(all.tokens()));
    }
}
