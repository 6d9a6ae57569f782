package dev.saesplit.data;

import java.util.Objects;

/**
 * Activations held in one heap array, row-major {@code [tokens, dIn]}: for tests and small data. Wraps the
 * array without copying it, so the caller must not change it while the source is in use.
 */
public final class InMemoryActivationSource implements ActivationSource {

    private final float[] data;
    private final int dIn;
    private final long tokens;

    private InMemoryActivationSource(float[] data, int dIn) {
        this.data = Objects.requireNonNull(data, "data");
        if (dIn <= 0) {
            throw new IllegalArgumentException("dIn must be positive, got " + dIn);
        }
        if (data.length % dIn != 0) {
            throw new IllegalArgumentException(
                    "data length " + data.length + " is not a whole number of rows of width " + dIn);
        }
        this.dIn = dIn;
        this.tokens = data.length / dIn;
    }

    /** A source over {@code data}, read as rows of {@code dIn} floats. */
    public static InMemoryActivationSource of(float[] data, int dIn) {
        return new InMemoryActivationSource(data, dIn);
    }

    @Override
    public int dIn() {
        return dIn;
    }

    @Override
    public long tokens() {
        return tokens;
    }

    /** Reads copy from memory (mapped or on the heap) by absolute position, so threads do not disturb each other. */
    @Override
    public boolean allowsConcurrentReads() {
        return true;
    }

    @Override
    public void read(long start, int count, float[] dst, int dstOffset) {
        Objects.checkFromIndexSize(start, count, tokens);
        System.arraycopy(data, (int) start * dIn, dst, dstOffset, count * dIn);
    }
}
