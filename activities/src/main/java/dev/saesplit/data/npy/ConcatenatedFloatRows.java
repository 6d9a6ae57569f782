package dev.saesplit.data.npy;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Float matrices of equal width read as one: rows of the first, then rows of the second, and so on. The shared
 * core of every file-backed activation source; callers check widths first, so that they can name the files.
 */
public final class ConcatenatedFloatRows {

    private final List<MappedNpyArray> parts;
    /** starts[i] is the global index of part i's first row; starts[parts.size()] is the total. */
    private final long[] starts;
    private final int width;

    public ConcatenatedFloatRows(List<MappedNpyArray> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("at least one matrix is needed");
        }
        this.parts = List.copyOf(parts);
        this.width = parts.get(0).rowLength();
        this.starts = new long[parts.size() + 1];
        for (int i = 0; i < parts.size(); i++) {
            if (parts.get(i).rowLength() != width) {
                throw new IllegalArgumentException(parts.get(i).file() + " has width " + parts.get(i).rowLength()
                        + ", expected " + width);
            }
            starts[i + 1] = starts[i] + parts.get(i).rows();
        }
    }

    public int width() {
        return width;
    }

    public long rows() {
        return starts[parts.size()];
    }

    public List<MappedNpyArray> parts() {
        return parts;
    }

    /** Index of the part holding global row {@code row}. */
    public int partOf(long row) {
        Objects.checkIndex(row, rows());
        int found = Arrays.binarySearch(starts, row);
        // An exact hit can be the start of an empty part; the row belongs to the last part starting there.
        int part = found >= 0 ? found : -found - 2;
        while (part + 1 < parts.size() && starts[part + 1] <= row) {
            part++;
        }
        return part;
    }

    /** Global index of part {@code part}'s first row. */
    public long startOf(int part) {
        return starts[part];
    }

    public void read(long start, int count, float[] dst, int dstOffset) {
        Objects.checkFromIndexSize(start, count, rows());
        int rowsDone = 0;
        int part = count == 0 ? 0 : partOf(start);
        while (rowsDone < count) {
            long local = start + rowsDone - starts[part];
            int rowsHere = (int) Math.min(count - rowsDone, parts.get(part).rows() - local);
            if (rowsHere > 0) {
                parts.get(part).readFloats(local, rowsHere, dst, dstOffset + rowsDone * width);
                rowsDone += rowsHere;
            }
            part++;
        }
    }

    /** For error messages: e.g. {@code acts-1.npy row 17}. */
    public String describeRow(long row) {
        int part = partOf(row);
        return parts.get(part).file() + " row " + (row - starts[part]);
    }
}
