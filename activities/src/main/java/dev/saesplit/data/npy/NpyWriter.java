package dev.saesplit.data.npy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Streams a little-endian, C-order .npy array to disk whose first dimension is not known in advance: rows are
 * appended through a fixed buffer, and the header (padded to a fixed length) is rewritten with the final row
 * count on {@link #close()}. Memory is the buffer, whatever the size of the array.
 */
public final class NpyWriter implements AutoCloseable {

    private static final int BUFFER_BYTES = 1 << 20;

    private final Path file;
    private final NpyDtype dtype;
    private final long[] rowShape;
    private final long rowLength;
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private long elementsWritten;
    private boolean closed;

    private NpyWriter(Path file, NpyDtype dtype, long[] rowShape) throws IOException {
        this.file = file;
        this.dtype = dtype;
        this.rowShape = rowShape.clone();
        long length = 1;
        for (long dimension : rowShape) {
            if (dimension <= 0) {
                throw new IllegalArgumentException("row dimensions must be positive, got " + dimension);
            }
            length = Math.multiplyExact(length, dimension);
        }
        this.rowLength = length;
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        buffer.put(NpyHeader.encode(dtype, shapeWithRows(0)));
    }

    /**
     * Creates (or truncates) {@code file} for an array of shape {@code [rows, rowShape...]}; an empty
     * {@code rowShape} writes a 1-D array.
     */
    public static NpyWriter create(Path file, NpyDtype dtype, long... rowShape) throws IOException {
        return new NpyWriter(file, dtype, rowShape);
    }

    public Path file() {
        return file;
    }

    /** Rows completed so far. */
    public long rows() {
        return elementsWritten / rowLength;
    }

    /** Appends {@code count} float values; float16 arrays store them rounded to half precision. */
    public void writeFloats(float[] values, int offset, int count) throws IOException {
        requireDtype(dtype == NpyDtype.FLOAT32 || dtype == NpyDtype.FLOAT16, "float32 or float16");
        for (int i = 0; i < count; i++) {
            ensureRoom(dtype.itemBytes());
            if (dtype == NpyDtype.FLOAT32) {
                buffer.putFloat(values[offset + i]);
            } else {
                buffer.putShort(Float16.fromFloat(values[offset + i]));
            }
        }
        elementsWritten += count;
    }

    /**
     * Appends {@code count} float values to a uint16 array as bfloat16 bits (.npy has no bfloat16 type; numpy users
     * view the array as {@code ml_dtypes.bfloat16}).
     */
    public void writeBfloat16(float[] values, int offset, int count) throws IOException {
        requireDtype(dtype == NpyDtype.UINT16, "uint16");
        for (int i = 0; i < count; i++) {
            ensureRoom(2);
            buffer.putShort(Bfloat16.fromFloat(values[offset + i]));
        }
        elementsWritten += count;
    }

    public void writeInts(int[] values, int offset, int count) throws IOException {
        requireDtype(dtype == NpyDtype.INT32, "int32");
        for (int i = 0; i < count; i++) {
            ensureRoom(4);
            buffer.putInt(values[offset + i]);
        }
        elementsWritten += count;
    }

    public void writeLongs(long[] values, int offset, int count) throws IOException {
        requireDtype(dtype == NpyDtype.INT64, "int64");
        for (int i = 0; i < count; i++) {
            ensureRoom(8);
            buffer.putLong(values[offset + i]);
        }
        elementsWritten += count;
    }

    /** Flushes, writes the final header and closes; fails if the last row is incomplete. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try (channel) {
            flush();
            if (elementsWritten % rowLength != 0) {
                throw new IllegalStateException(file + ": " + elementsWritten
                        + " elements is not a whole number of rows of " + rowLength);
            }
            ByteBuffer header = ByteBuffer.wrap(NpyHeader.encode(dtype, shapeWithRows(rows())));
            while (header.hasRemaining()) {
                channel.write(header, header.position());
            }
        }
    }

    private long[] shapeWithRows(long rows) {
        long[] shape = new long[rowShape.length + 1];
        shape[0] = rows;
        System.arraycopy(rowShape, 0, shape, 1, rowShape.length);
        return shape;
    }

    private void ensureRoom(int bytes) throws IOException {
        if (buffer.remaining() < bytes) {
            flush();
        }
    }

    private void flush() throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        buffer.clear();
    }

    private void requireDtype(boolean matches, String expected) {
        if (closed) {
            throw new IllegalStateException(file + " is already closed");
        }
        if (!matches) {
            throw new IllegalStateException(file + " holds " + dtype.label() + ", not " + expected);
        }
    }
}
