package dev.saesplit.data;

/**
 * Rows {@code [start, start + count)} of another source, as a source of its own. Owns the source it views:
 * closing the range closes it.
 */
public final class RowRangeSource implements ActivationSource, RowProvenance {

    private final ActivationSource source;
    private final long start;
    private final long count;

    public RowRangeSource(ActivationSource source, long start, long count) {
        if (start < 0 || count < 0 || start > source.tokens() - count) {
            throw new IllegalArgumentException("rows [" + start + ", " + start + " + " + count + ") are outside the "
                    + "source's " + source.tokens() + " rows");
        }
        this.source = source;
        this.start = start;
        this.count = count;
    }

    /** The row of the viewed source behind row {@code row} of this range. */
    public long sourceRow(long row) {
        return start + row;
    }

    @Override
    public int dIn() {
        return source.dIn();
    }

    @Override
    public long tokens() {
        return count;
    }

    @Override
    public boolean allowsConcurrentReads() {
        return source.allowsConcurrentReads();
    }

    @Override
    public void read(long first, int rows, float[] dst, int dstOffset) {
        if (first < 0 || rows < 0 || first > count - rows) {
            throw new IndexOutOfBoundsException("rows [" + first + ", " + (first + rows) + ") of " + count);
        }
        source.read(start + first, rows, dst, dstOffset);
    }

    @Override
    public String describeRow(long row) {
        return RowProvenance.describe(source, start + row);
    }

    @Override
    public void close() {
        source.close();
    }
}
