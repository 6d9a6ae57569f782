package dev.saesplit.train;

import dev.saesplit.pipeline.BadInput;

/** Rows asked to train together that do not train on the same batches: no retry can group them. */
public final class UngroupableRowsException extends IllegalArgumentException implements BadInput {

    public UngroupableRowsException(String message) {
        super(message);
    }
}
