package dev.saesplit.data;

import dev.saesplit.data.npy.MappedNpyArray;
import dev.saesplit.data.npy.NpyDtype;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;

/**
 * The rows of a source that a filter pass kept, read through the memory-mapped index file: row i of this view
 * is row {@code kept[i]} of the source. Runs of consecutive kept rows are read with one call, so a dense filter
 * keeps the source's locality. Does not own the source: closing the view leaves the source open.
 */
public final class FilteredActivationSource implements ActivationSource, RowProvenance {

    private static final int VALIDATION_BLOCK = 1 << 16;

    private final ActivationSource source;
    private final MappedNpyArray keptRows;

    private FilteredActivationSource(ActivationSource source, MappedNpyArray keptRows) {
        this.source = source;
        this.keptRows = keptRows;
    }

    /**
     * Opens the view; the index file must be a 1-D int64 .npy of strictly ascending rows of {@code source}, or
     * this fails with {@link ActivationFormatException} naming the file and the first bad entry.
     */
    public static FilteredActivationSource open(ActivationSource source, Path keptRowsFile) {
        Objects.requireNonNull(source, "source");
        MappedNpyArray keptRows = MappedNpyArray.open(keptRowsFile, Set.of(NpyDtype.INT64), Set.of(1));
        long[] block = new long[VALIDATION_BLOCK];
        long previous = -1;
        for (long at = 0; at < keptRows.rows(); at += VALIDATION_BLOCK) {
            int count = (int) Math.min(VALIDATION_BLOCK, keptRows.rows() - at);
            keptRows.readLongs(at, count, block, 0);
            for (int i = 0; i < count; i++) {
                long row = block[i];
                if (row <= previous || row >= source.tokens()) {
                    throw new ActivationFormatException(keptRowsFile, "entry " + (at + i) + " (row " + row
                            + ") is not ascending within the source's " + source.tokens() + " rows");
                }
                previous = row;
            }
        }
        return new FilteredActivationSource(source, keptRows);
    }

    /** The source row behind row {@code row} of this view. */
    public long sourceRow(long row) {
        return keptRows.readLong(row);
    }

    @Override
    public int dIn() {
        return source.dIn();
    }

    @Override
    public long tokens() {
        return keptRows.rows();
    }

    /** The kept-row index is read by absolute position too, so this view is as safe as its source. */
    @Override
    public boolean allowsConcurrentReads() {
        return source.allowsConcurrentReads();
    }

    @Override
    public void read(long start, int count, float[] dst, int dstOffset) {
        Objects.checkFromIndexSize(start, count, tokens());
        int d = source.dIn();
        int done = 0;
        while (done < count) {
            long runStart = keptRows.readLong(start + done);
            int runLength = 1;
            while (done + runLength < count && keptRows.readLong(start + done + runLength) == runStart + runLength) {
                runLength++;
            }
            source.read(runStart, runLength, dst, dstOffset + done * d);
            done += runLength;
        }
    }

    @Override
    public String describeRow(long row) {
        long sourceRow = sourceRow(row);
        return RowProvenance.describe(source, sourceRow) + " (filtered row " + row + ")";
    }
}
