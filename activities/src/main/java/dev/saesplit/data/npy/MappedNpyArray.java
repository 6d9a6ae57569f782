package dev.saesplit.data.npy;

import dev.saesplit.data.ActivationFormatException;
import dev.saesplit.files.RegularFiles;
import dev.saesplit.files.UnreadableFileException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;

/**
 * A .npy array read by memory mapping, viewed as rows (the first dimension) of {@code rowLength} elements.
 * Mapped in windows of whole rows, each at most {@link #DEFAULT_WINDOW_BYTES}, since one mapping is limited to
 * 2 GiB and activation files are often larger. Reads use absolute positions only, so concurrent reads are safe.
 */
public final class MappedNpyArray {

    public static final long DEFAULT_WINDOW_BYTES = 1L << 30;
    /** Halves decoded per bulk copy: 8 KiB of scratch, in cache beside the table. */
    private static final int HALF_CHUNK = 4096;

    private final Path file;
    private final NpyDtype dtype;
    private final long[] shape;
    private final long rows;
    private final int rowLength;
    private final long rowsPerWindow;
    /** Whether the uint16 elements are bfloat16 bits ({@link #asBfloat16()}): .npy has no bfloat16 type. */
    private final boolean bfloat16;
    /** Per window: the raw bytes and typed views (halves are read through the short view), built once at open. */
    private final ByteBuffer[] bytes;
    private final FloatBuffer[] floats;
    private final IntBuffer[] ints;
    private final LongBuffer[] longs;
    private final ShortBuffer[] shorts;

    private MappedNpyArray(Path file, NpyDtype dtype, long[] shape, long rows, int rowLength, long rowsPerWindow,
                           boolean bfloat16, ByteBuffer[] bytes) {
        this.file = file;
        this.dtype = dtype;
        this.shape = shape;
        this.rows = rows;
        this.rowLength = rowLength;
        this.rowsPerWindow = rowsPerWindow;
        this.bfloat16 = bfloat16;
        this.bytes = bytes;
        this.floats = new FloatBuffer[bytes.length];
        this.ints = new IntBuffer[bytes.length];
        this.longs = new LongBuffer[bytes.length];
        this.shorts = new ShortBuffer[bytes.length];
        for (int w = 0; w < bytes.length; w++) {
            switch (dtype) {
                case FLOAT32 -> floats[w] = bytes[w].asFloatBuffer();
                case INT32 -> ints[w] = bytes[w].asIntBuffer();
                case INT64 -> longs[w] = bytes[w].asLongBuffer();
                case FLOAT16, UINT16 -> shorts[w] = bytes[w].asShortBuffer();
            }
        }
    }

    /** Maps {@code file}, accepting only the given element types and ranks, in 1 GiB windows. */
    public static MappedNpyArray open(Path file, Set<NpyDtype> dtypes, Set<Integer> ranks) {
        return open(file, dtypes, ranks, DEFAULT_WINDOW_BYTES);
    }

    /** As {@link #open(Path, Set, Set)} with a chosen window size (small windows exercise the seams in tests). */
    public static MappedNpyArray open(Path file, Set<NpyDtype> dtypes, Set<Integer> ranks, long maxWindowBytes) {
        try {
            // Opening a pipe blocks until someone writes to it; a device never ends.
            RegularFiles.requireRegular(file);
        } catch (UnreadableFileException e) {
            throw new ActivationFormatException(file, e.problem());
        } catch (NoSuchFileException e) {
            throw new ActivationFormatException(file, "file not found", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            NpyHeader header = NpyHeader.read(file, channel);
            if (!dtypes.contains(header.dtype())) {
                throw new ActivationFormatException(file, "dtype " + header.dtype().label()
                        + " is not supported here; expected one of " + labels(dtypes));
            }
            long[] shape = header.shape();
            if (!ranks.contains(shape.length)) {
                throw new ActivationFormatException(file, "array has rank " + shape.length + " (shape "
                        + Arrays.toString(shape) + "); expected rank " + ranks);
            }
            long rows = shape.length == 0 ? 1 : shape[0];
            long rowLength = 1;
            for (int i = 1; i < shape.length; i++) {
                rowLength = Math.multiplyExact(rowLength, shape[i]);
            }
            if (rowLength == 0 || rowLength > Integer.MAX_VALUE) {
                throw new ActivationFormatException(file, "row length " + rowLength + " (shape "
                        + Arrays.toString(shape) + ") is not usable");
            }
            long rowBytes = rowLength * header.dtype().itemBytes();
            long dataBytes = Math.multiplyExact(rows, rowBytes);
            long available = channel.size() - header.dataOffset();
            if (available < dataBytes) {
                throw new ActivationFormatException(file, "truncated: the header promises " + dataBytes
                        + " data bytes (" + rows + " rows) but the file holds " + available);
            }
            if (available > dataBytes) {
                throw new ActivationFormatException(file, (available - dataBytes)
                        + " bytes follow the array the header describes");
            }
            long rowsPerWindow = maxWindowBytes / rowBytes;
            if (rowsPerWindow == 0) {
                throw new ActivationFormatException(file, "a row of " + rowBytes
                        + " bytes exceeds the mapping window of " + maxWindowBytes + " bytes");
            }
            ByteBuffer[] windows = new ByteBuffer[Math.toIntExact((rows + rowsPerWindow - 1) / rowsPerWindow)];
            for (int w = 0; w < windows.length; w++) {
                long firstRow = w * rowsPerWindow;
                long windowRows = Math.min(rowsPerWindow, rows - firstRow);
                windows[w] = channel.map(FileChannel.MapMode.READ_ONLY,
                        header.dataOffset() + firstRow * rowBytes, windowRows * rowBytes)
                        .order(ByteOrder.LITTLE_ENDIAN);
            }
            return new MappedNpyArray(file, header.dtype(), header.shape(), rows, (int) rowLength, rowsPerWindow,
                    false, windows);
        } catch (NoSuchFileException e) {
            throw new ActivationFormatException(file, "file not found", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot map " + file, e);
        }
    }

    /**
     * This uint16 array read as bfloat16: each element is the upper 16 bits of a float32, the layout of
     * {@code ml_dtypes.bfloat16} and {@code torch.bfloat16}. The mapping is shared.
     */
    public MappedNpyArray asBfloat16() {
        requireDtype(dtype == NpyDtype.UINT16, "uint16");
        return new MappedNpyArray(file, dtype, shape, rows, rowLength, rowsPerWindow, true, bytes);
    }

    /** Whether {@link #readFloats} can read this array: float32, float16, or uint16 viewed as bfloat16. */
    public boolean holdsFloats() {
        return dtype == NpyDtype.FLOAT32 || dtype == NpyDtype.FLOAT16 || bfloat16;
    }

    public Path file() {
        return file;
    }

    public NpyDtype dtype() {
        return dtype;
    }

    public long[] shape() {
        return shape.clone();
    }

    /** Length of the first dimension. */
    public long rows() {
        return rows;
    }

    /** Elements per row (the product of the other dimensions). */
    public int rowLength() {
        return rowLength;
    }

    /**
     * Copies rows {@code [row, row + count)} of a float32, float16 or bfloat16 array into {@code dst} as floats
     * (every half-precision value is exactly a float).
     */
    public void readFloats(long row, int count, float[] dst, int dstOffset) {
        requireDtype(holdsFloats(), "float32, float16 or bfloat16");
        Objects.checkFromIndexSize(row, count, rows);
        int rowsDone = 0;
        while (rowsDone < count) {
            long current = row + rowsDone;
            int window = (int) (current / rowsPerWindow);
            int first = (int) (current % rowsPerWindow) * rowLength;
            int rowsHere = (int) Math.min(count - rowsDone, rowsPerWindow - current % rowsPerWindow);
            int elements = rowsHere * rowLength;
            int dstAt = dstOffset + rowsDone * rowLength;
            if (dtype == NpyDtype.FLOAT32) {
                floats[window].get(first, dst, dstAt, elements);
            } else {
                readHalves(shorts[window], first, elements, dst, dstAt);
            }
            rowsDone += rowsHere;
        }
    }

    /**
     * Decodes {@code elements} halves from {@code first}: copied in bulk a chunk at a time, then widened in a
     * plain loop (a table look-up for float16, a shift for bfloat16), several times faster than a call per value.
     */
    private void readHalves(ShortBuffer halves, int first, int elements, float[] dst, int dstAt) {
        short[] chunk = new short[Math.min(elements, HALF_CHUNK)];
        for (int done = 0; done < elements; done += chunk.length) {
            int n = Math.min(chunk.length, elements - done);
            halves.get(first + done, chunk, 0, n);
            int at = dstAt + done;
            if (bfloat16) {
                for (int i = 0; i < n; i++) {
                    dst[at + i] = Float.intBitsToFloat(chunk[i] << 16);
                }
            } else {
                for (int i = 0; i < n; i++) {
                    dst[at + i] = Float16.TABLE[chunk[i] & 0xFFFF];
                }
            }
        }
    }

    /** Copies rows {@code [row, row + count)} of an int32 array into {@code dst}. */
    public void readInts(long row, int count, int[] dst, int dstOffset) {
        requireDtype(dtype == NpyDtype.INT32, "int32");
        Objects.checkFromIndexSize(row, count, rows);
        int rowsDone = 0;
        while (rowsDone < count) {
            long current = row + rowsDone;
            int first = (int) (current % rowsPerWindow) * rowLength;
            int rowsHere = (int) Math.min(count - rowsDone, rowsPerWindow - current % rowsPerWindow);
            ints[(int) (current / rowsPerWindow)].get(first, dst, dstOffset + rowsDone * rowLength,
                    rowsHere * rowLength);
            rowsDone += rowsHere;
        }
    }

    /** Element {@code index}, in row-major order, of an int64 array. */
    public long readLong(long index) {
        requireDtype(dtype == NpyDtype.INT64, "int64");
        long row = index / rowLength;
        Objects.checkIndex(row, rows);
        int inWindow = (int) ((row % rowsPerWindow) * rowLength + index % rowLength);
        return longs[(int) (row / rowsPerWindow)].get(inWindow);
    }

    /** Copies elements {@code [index, index + count)}, in row-major order, of an int64 array into {@code dst}. */
    public void readLongs(long index, int count, long[] dst, int dstOffset) {
        requireDtype(dtype == NpyDtype.INT64, "int64");
        long elements = rows * rowLength;
        Objects.checkFromIndexSize(index, count, elements);
        long elementsPerWindow = rowsPerWindow * rowLength;
        int done = 0;
        while (done < count) {
            long current = index + done;
            int inWindow = (int) (current % elementsPerWindow);
            int take = (int) Math.min(count - done, elementsPerWindow - inWindow);
            longs[(int) (current / elementsPerWindow)].get(inWindow, dst, dstOffset + done, take);
            done += take;
        }
    }

    /**
     * Copies elements {@code [index, index + count)}, in row-major order, of an int32, int64 or uint16 array into
     * {@code dst} as ints: token ids, whichever integer type a corpus was saved in. An int64 value outside the int
     * range fails, naming the element, rather than wrapping to another id.
     */
    public void readIntegers(long index, int count, int[] dst, int dstOffset) {
        requireDtype(dtype == NpyDtype.INT32 || dtype == NpyDtype.INT64 || dtype == NpyDtype.UINT16,
                "int32, int64 or uint16");
        Objects.checkFromIndexSize(index, count, rows * rowLength);
        long elementsPerWindow = rowsPerWindow * rowLength;
        int done = 0;
        while (done < count) {
            long current = index + done;
            int window = (int) (current / elementsPerWindow);
            int inWindow = (int) (current % elementsPerWindow);
            int take = (int) Math.min(count - done, elementsPerWindow - inWindow);
            for (int i = 0; i < take; i++) {
                dst[dstOffset + done + i] = switch (dtype) {
                    case INT32 -> ints[window].get(inWindow + i);
                    case UINT16 -> Short.toUnsignedInt(bytes[window].getShort((inWindow + i) * 2));
                    default -> narrow(longs[window].get(inWindow + i), current + i);
                };
            }
            done += take;
        }
    }

    private int narrow(long value, long index) {
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new ActivationFormatException(file, "element " + index + " = " + value + " does not fit an int");
        }
        return (int) value;
    }

    private void requireDtype(boolean matches, String expected) {
        if (!matches) {
            throw new IllegalStateException(file + " holds " + dtype.label() + ", not " + expected);
        }
    }

    private static String labels(Set<NpyDtype> dtypes) {
        return dtypes.stream().map(NpyDtype::label).sorted().toList().toString();
    }
}
