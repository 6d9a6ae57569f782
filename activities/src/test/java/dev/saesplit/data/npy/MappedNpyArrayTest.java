package dev.saesplit.data.npy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MappedNpyArrayTest {

    @TempDir
    Path dir;

    @Test
    void int64ElementsReadAcrossWindowSeams() throws IOException {
        long[] values = LongStream.range(0, 100).map(i -> i * 1_000_000_007L).toArray();
        Path file = dir.resolve("longs.npy");
        try (NpyWriter writer = NpyWriter.create(file, NpyDtype.INT64)) {
            writer.writeLongs(values, 0, values.length);
        }
        MappedNpyArray array = MappedNpyArray.open(file, Set.of(NpyDtype.INT64), Set.of(1), 8 * 9);
        long[] read = new long[97];
        array.readLongs(2, 97, read, 0);
        assertArrayEquals(LongStream.range(2, 99).map(i -> i * 1_000_000_007L).toArray(), read);
        assertEquals(values[63], array.readLong(63));
        assertThrows(IndexOutOfBoundsException.class, () -> array.readLong(100));
    }

    @Test
    void int32RowsReadWhole() throws IOException {
        Path file = dir.resolve("labels.npy");
        try (NpyWriter writer = NpyWriter.create(file, NpyDtype.INT32, 2)) {
            writer.writeInts(new int[] {1, -1, 3, 4, 5, -6}, 0, 6);
        }
        MappedNpyArray array = MappedNpyArray.open(file, Set.of(NpyDtype.INT32), Set.of(2), 8);
        assertArrayEquals(new long[] {3, 2}, array.shape());
        int[] rows = new int[4];
        array.readInts(1, 2, rows, 0);
        assertArrayEquals(new int[] {3, 4, 5, -6}, rows);
    }

    @Test
    void float16WrittenByTheWriterIsRoundedToHalfPrecision() throws IOException {
        Path file = dir.resolve("half.npy");
        try (NpyWriter writer = NpyWriter.create(file, NpyDtype.FLOAT16, 2)) {
            writer.writeFloats(new float[] {1f, 0.1f, -3f, 1e6f}, 0, 4);
        }
        MappedNpyArray array = MappedNpyArray.open(file, Set.of(NpyDtype.FLOAT16), Set.of(2));
        float[] rows = new float[4];
        array.readFloats(0, 2, rows, 0);
        assertArrayEquals(new float[] {1f, 0.099975586f, -3f, Float.POSITIVE_INFINITY}, rows);
    }

    @Test
    void aWriterClosedMidRowFails() throws IOException {
        NpyWriter writer = NpyWriter.create(dir.resolve("partial.npy"), NpyDtype.FLOAT32, 3);
        writer.writeFloats(new float[] {1f, 2f}, 0, 2);
        assertThrows(IllegalStateException.class, writer::close);
    }
}
