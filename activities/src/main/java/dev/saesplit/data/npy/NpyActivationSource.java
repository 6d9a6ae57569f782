package dev.saesplit.data.npy;

import dev.saesplit.data.ActivationFormatException;
import dev.saesplit.data.ActivationSource;
import dev.saesplit.data.RowProvenance;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Activations from float32 or float16 {@code [n, d]} .npy files (little-endian, C order; header versions 1–3),
 * memory-mapped and read as one table in the order given. Every file must have the same {@code d}.
 */
public final class NpyActivationSource implements ActivationSource, RowProvenance {

    private static final Set<NpyDtype> ACTIVATION_DTYPES = Set.of(NpyDtype.FLOAT32, NpyDtype.FLOAT16);

    private final ConcatenatedFloatRows rows;

    private NpyActivationSource(ConcatenatedFloatRows rows) {
        this.rows = rows;
    }

    /** Opens {@code files}; fails with {@link ActivationFormatException} naming the first unusable file. */
    public static NpyActivationSource open(List<Path> files) {
        return open(files, MappedNpyArray.DEFAULT_WINDOW_BYTES);
    }

    /** As {@link #open(List)} with a chosen mapping window size. */
    public static NpyActivationSource open(List<Path> files, long maxWindowBytes) {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("an npy activation source needs at least one file");
        }
        List<MappedNpyArray> arrays = new ArrayList<>(files.size());
        for (Path file : files) {
            MappedNpyArray array = MappedNpyArray.open(file, ACTIVATION_DTYPES, Set.of(2), maxWindowBytes);
            if (!arrays.isEmpty() && array.rowLength() != arrays.get(0).rowLength()) {
                throw new ActivationFormatException(file, "has d = " + array.rowLength() + " but "
                        + arrays.get(0).file() + " has d = " + arrays.get(0).rowLength());
            }
            arrays.add(array);
        }
        return new NpyActivationSource(new ConcatenatedFloatRows(arrays));
    }

    @Override
    public int dIn() {
        return rows.width();
    }

    @Override
    public long tokens() {
        return rows.rows();
    }

    /** Reads copy from memory (mapped or on the heap) by absolute position, so threads do not disturb each other. */
    @Override
    public boolean allowsConcurrentReads() {
        return true;
    }

    @Override
    public void read(long start, int count, float[] dst, int dstOffset) {
        rows.read(start, count, dst, dstOffset);
    }

    @Override
    public String describeRow(long row) {
        return rows.describeRow(row);
    }
}
