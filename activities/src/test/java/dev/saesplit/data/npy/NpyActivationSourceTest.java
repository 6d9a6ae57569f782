package dev.saesplit.data.npy;

import dev.saesplit.data.ActivationFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static dev.saesplit.data.npy.NpyTestFiles.dict;
import static dev.saesplit.data.npy.NpyTestFiles.float32Bytes;
import static dev.saesplit.data.npy.NpyTestFiles.indexedRows;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NpyActivationSourceTest {

    @TempDir
    Path dir;

    @Test
    void float32RowsWrittenByTheWriterReadBackExactly() throws IOException {
        float[] values = indexedRows(5, 3, 0.5f);
        Path file = dir.resolve("acts.npy");
        try (NpyWriter writer = NpyWriter.create(file, NpyDtype.FLOAT32, 3)) {
            writer.writeFloats(values, 0, values.length);
        }
        try (NpyActivationSource source = NpyActivationSource.open(List.of(file))) {
            assertEquals(3, source.dIn());
            assertEquals(5, source.tokens());
            assertArrayEquals(values, readAll(source));
        }
    }

    @Test
    void version1And2HeadersWrittenAsNumpyDoesAreRead() throws IOException {
        float[] values = indexedRows(4, 2, 0f);
        Path v1 = NpyTestFiles.write(dir.resolve("v1.npy"), 1, dict("<f4", false, "(4, 2)"), float32Bytes(values));
        Path v2 = NpyTestFiles.write(dir.resolve("v2.npy"), 2, dict("<f4", false, "(4, 2)"), float32Bytes(values));
        try (NpyActivationSource one = NpyActivationSource.open(List.of(v1));
             NpyActivationSource two = NpyActivationSource.open(List.of(v2))) {
            assertArrayEquals(values, readAll(one));
            assertArrayEquals(values, readAll(two));
        }
    }

    @Test
    void float16ValuesReadAsTheFloatsTheyRepresent() throws IOException {
        float[] halves = {0f, 1f, -2.5f, 0.099975586f, 65504f, 0x1.0p-24f};
        Path file = NpyTestFiles.write(dir.resolve("half.npy"), 1, dict("<f2", false, "(3, 2)"),
                NpyTestFiles.float16Bytes(halves));
        try (NpyActivationSource source = NpyActivationSource.open(List.of(file))) {
            assertArrayEquals(halves, readAll(source));
        }
    }

    @Test
    void manyFilesReadAsOneTableInOrderAndRowsNameTheirFile() throws IOException {
        Path first = NpyTestFiles.float32(dir.resolve("a.npy"), 2, indexedRows(3, 2, 0f));
        Path empty = NpyTestFiles.float32(dir.resolve("empty.npy"), 2);
        Path second = NpyTestFiles.write(dir.resolve("b.npy"), 1, dict("<f2", false, "(2, 2)"),
                NpyTestFiles.float16Bytes(7f, 8f, 9f, 10f));
        try (NpyActivationSource source = NpyActivationSource.open(List.of(first, empty, second))) {
            assertEquals(5, source.tokens());
            float[] rows = new float[4];
            source.read(2, 2, rows, 0); // last row of a.npy, then first row of b.npy
            assertArrayEquals(new float[] {2000f, 2001f, 7f, 8f}, rows);
            assertEquals(second + " row 1", source.describeRow(4));
        }
    }

    @Test
    void readsSpanningMappingWindowsMatchTheFile() throws IOException {
        float[] values = indexedRows(50, 3, 0.25f);
        Path file = NpyTestFiles.float32(dir.resolve("big.npy"), 3, values);
        // 7 rows of 12 bytes per window: reads cross window seams.
        try (NpyActivationSource source = NpyActivationSource.open(List.of(file), 7 * 12 + 5)) {
            for (int start = 0; start < 50; start += 3) {
                int count = Math.min(17, 50 - start);
                float[] rows = new float[count * 3];
                source.read(start, count, rows, 0);
                assertArrayEquals(Arrays.copyOfRange(values, start * 3, (start + count) * 3), rows);
            }
        }
    }

    @Test
    void aFileLargerThanTwoGibibytesIsReadToItsLastRow() throws IOException {
        long rows = 700_000_000L; // 2.8 GB of float32; written sparse, so it costs no disk
        Path file = NpyTestFiles.write(dir.resolve("huge.npy"), 1, dict("<f4", false, "(" + rows + ", 1)"),
                new byte[0]);
        long dataStart = Files.size(file);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(dataStart + rows * 4);
            raf.seek(dataStart + (rows - 2) * 4);
            raf.write(float32Bytes(41f, 42f));
        }
        try (NpyActivationSource source = NpyActivationSource.open(List.of(file))) {
            assertEquals(rows, source.tokens());
            float[] last = new float[3];
            source.read(rows - 3, 3, last, 0);
            assertArrayEquals(new float[] {0f, 41f, 42f}, last);
        }
    }

    @ParameterizedTest(name = "{0}: {5}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            # file          | header dtype | Fortran order | shape     | data bytes | the problem named
            float64         | <f8          | false         | (1, 2)    | 16         | dtype '<f8' is not supported
            int32           | <i4          | false         | (1, 2)    | 8          | dtype int32 is not supported here
            big-endian      | >f4          | false         | (1, 2)    | 8          | big-endian
            fortran-order   | <f4          | true          | (2, 2)    | 16         | Fortran-order
            vector          | <f4          | false         | (4,)      | 16         | rank 1
            cube            | <f4          | false         | (1, 2, 2) | 16         | rank 3
            truncated       | <f4          | false         | (3, 2)    | 20         | truncated
            """)
    void aFileThatIsNotATableOfFloatsIsRejectedNamingTheFileAndWhy(String name, String dtype, boolean fortranOrder,
            String shape, int dataBytes, String problem) throws IOException {
        Path file = NpyTestFiles.write(dir.resolve(name + ".npy"), 1, dict(dtype, fortranOrder, shape),
                new byte[dataBytes]);
        assertRejected(file, problem);
    }

    @Test
    void aFileThatIsNotNpyIsRejected() throws IOException {
        Path file = Files.writeString(dir.resolve("text.npy"), "hello, world");
        assertRejected(file, "not a .npy file");
    }

    @Test
    void filesOfDifferentWidthAreRejectedNamingBoth() throws IOException {
        Path wide = NpyTestFiles.float32(dir.resolve("wide.npy"), 4, new float[8]);
        Path narrow = NpyTestFiles.float32(dir.resolve("narrow.npy"), 2, new float[8]);
        ActivationFormatException error = assertThrows(ActivationFormatException.class,
                () -> NpyActivationSource.open(List.of(wide, narrow)));
        assertEquals(narrow, error.file());
        assertTrue(error.getMessage().contains("d = 2") && error.getMessage().contains(wide + " has d = 4"),
                error.getMessage());
    }

    private static void assertRejected(Path file, String problem) {
        ActivationFormatException error = assertThrows(ActivationFormatException.class,
                () -> NpyActivationSource.open(List.of(file)));
        assertEquals(file, error.file());
        assertTrue(error.getMessage().startsWith(file.toString()), error.getMessage());
        assertTrue(error.getMessage().contains(problem), error.getMessage());
    }

    private static float[] readAll(NpyActivationSource source) {
        float[] all = new float[(int) source.tokens() * source.dIn()];
        source.read(0, (int) source.tokens(), all, 0);
        return all;
    }
}
