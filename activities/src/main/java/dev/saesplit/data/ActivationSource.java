package dev.saesplit.data;

/**
 * A finite, random-access table of activation vectors {@code [tokens, dIn]}: an activation cache, a set of
 * .npy files, generated synthetic data, or a filtered view of one of these. Reads copy rows into a caller's
 * buffer, so a source can be memory-mapped and far larger than the heap.
 */
public interface ActivationSource extends AutoCloseable {

    /** Width of each activation vector. */
    int dIn();

    /** Number of rows. */
    long tokens();

    /**
     * Copies rows {@code [start, start + count)} into {@code dst} (row-major, {@code count * dIn()} floats
     * starting at {@code dstOffset}).
     */
    void read(long start, int count, float[] dst, int dstOffset);

    /**
     * Whether {@link #read} and {@link #readRow} may run on several threads at once, each into its own buffer.
     * Code that reads in parallel asks first and reads on one thread when the answer is no, so a source that keeps
     * state between reads (a cursor, a shared scratch buffer) needs nothing but this default. Memory-mapped and
     * in-memory tables say yes; a view of another source says what that source says.
     */
    default boolean allowsConcurrentReads() {
        return false;
    }

    /** Copies one row; sources with a cheaper single-row path override it. */
    default void readRow(long row, float[] dst, int dstOffset) {
        read(row, 1, dst, dstOffset);
    }

    @Override
    default void close() {
    }
}
