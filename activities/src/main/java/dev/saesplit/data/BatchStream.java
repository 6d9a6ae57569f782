package dev.saesplit.data;

/**
 * An endless, deterministic stream of training batches over an {@link ActivationSource}: shuffled per epoch
 * from a seed, cycling epochs as needed. All a trainer knows of its data.
 */
public interface BatchStream extends AutoCloseable {

    int dIn();

    int batchSize();

    /** Fills {@code into} ({@code batchSize() * dIn()} floats, row-major) with the next batch. */
    void next(float[] into);

    /** The position after the last batch delivered. */
    BatchCursor cursor();

    /** Continues from {@code cursor}, as if the batches before it had just been delivered. */
    void seek(BatchCursor cursor);

    @Override
    default void close() {
    }
}
