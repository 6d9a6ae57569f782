package dev.saesplit.data;

import java.util.Objects;

/**
 * Wraps a source so that every read fails with {@link NonFiniteRowException} if it returns a NaN or an
 * infinity, naming the file and row where the wrapped source knows them. Put it under a batch stream (rather
 * than checking batches) so that the error can still say where the row came from.
 */
public final class FiniteCheckingSource implements ActivationSource, RowProvenance {

    private final ActivationSource delegate;

    public FiniteCheckingSource(ActivationSource delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** Reads all of {@code source} once, in blocks of {@code rowsPerRead}, failing at the first non-finite value. */
    public static void scanAll(ActivationSource source, int rowsPerRead) {
        FiniteCheckingSource checked = new FiniteCheckingSource(source);
        float[] buffer = new float[Math.multiplyExact(rowsPerRead, source.dIn())];
        for (long start = 0; start < source.tokens(); start += rowsPerRead) {
            checked.read(start, (int) Math.min(rowsPerRead, source.tokens() - start), buffer, 0);
        }
    }

    /** Index of the first NaN or infinity in {@code values[from, to)}, or -1; for callers checking whole batches. */
    public static int indexOfNonFinite(float[] values, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!Float.isFinite(values[i])) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public int dIn() {
        return delegate.dIn();
    }

    @Override
    public long tokens() {
        return delegate.tokens();
    }

    @Override
    public boolean allowsConcurrentReads() {
        return delegate.allowsConcurrentReads();
    }

    @Override
    public void read(long start, int count, float[] dst, int dstOffset) {
        delegate.read(start, count, dst, dstOffset);
        int d = delegate.dIn();
        int bad = indexOfNonFinite(dst, dstOffset, dstOffset + count * d);
        if (bad >= 0) {
            int rowInRead = (bad - dstOffset) / d;
            int column = (bad - dstOffset) % d;
            throw new NonFiniteRowException(describeRow(start + rowInRead), column, dst[bad]);
        }
    }

    @Override
    public String describeRow(long row) {
        return RowProvenance.describe(delegate, row);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
