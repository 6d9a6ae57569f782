package dev.saesplit.train;

import dev.saesplit.pipeline.BadInput;
import dev.saesplit.data.BatchCursor;

/** A training batch holds NaN or infinity; training stops before the value reaches the weights. */
public class NonFiniteActivationException extends IllegalStateException implements BadInput {

    private final long step;
    private final BatchCursor cursorBefore;

    public NonFiniteActivationException(long step, BatchCursor cursorBefore, int row, int column, float value) {
        super("batch of step " + step + " holds " + value + " at batch row " + row + ", column " + column
                + " (data cursor before the batch: epoch " + cursorBefore.epoch() + ", position "
                + cursorBefore.position() + ")");
        this.step = step;
        this.cursorBefore = cursorBefore;
    }

    public long step() {
        return step;
    }

    public BatchCursor cursorBefore() {
        return cursorBefore;
    }
}
