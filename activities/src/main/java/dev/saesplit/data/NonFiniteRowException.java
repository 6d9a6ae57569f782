package dev.saesplit.data;

import dev.saesplit.pipeline.BadInput;

/**
 * A row read from an activation source holds a NaN or an infinity. Training on it would poison every weight it
 * touches, so reads that check for it stop here, naming where the row lives (file and row where the source
 * knows), which a check on a shuffled batch no longer can.
 */
public final class NonFiniteRowException extends RuntimeException implements BadInput {

    private final String location;
    private final int column;
    private final float value;

    public NonFiniteRowException(String location, int column, float value) {
        super("non-finite activation " + value + " at " + location + ", column " + column);
        this.location = location;
        this.column = column;
        this.value = value;
    }

    /** Where the row lives, e.g. {@code acts.npy row 17}. */
    public String location() {
        return location;
    }

    public int column() {
        return column;
    }

    public float value() {
        return value;
    }
}
