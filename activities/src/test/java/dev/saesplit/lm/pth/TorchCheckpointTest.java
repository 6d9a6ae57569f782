package dev.saesplit.lm.pth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code views.pth} holds {@code base = arange(24).reshape(4, 6) / 8 - 1} and views of it that share its
 * storage or copies in other dtypes (see {@code make_fixture.py}); expected values are computed here from
 * that formula.
 */
class TorchCheckpointTest {

    private static final int ROWS = 4;
    private static final int COLS = 6;

    @TempDir
    Path dir;

    @Test
    void viewsAreReadThroughTheirOffsetAndStrides() {
        try (TorchCheckpoint checkpoint = TorchCheckpoint.open(fixture("views.pth"))) {
            assertArrayEquals(new long[] {ROWS, COLS}, checkpoint.shapes().get("base"));
            assertArrayEquals(matrix(ROWS, COLS, (r, c) -> base(r, c)), checkpoint.read("base"));
            assertArrayEquals(new long[] {COLS, ROWS}, checkpoint.shapes().get("transposed"));
            assertArrayEquals(matrix(COLS, ROWS, (r, c) -> base(c, r)), checkpoint.read("transposed"));
            assertArrayEquals(matrix(ROWS - 1, COLS / 2, (r, c) -> base(r + 1, 2 * c)), checkpoint.read("strided"));
        }
    }

    @Test
    void halfBfloat16DoubleAndIntegerStoragesAreWidenedToFloat() {
        try (TorchCheckpoint checkpoint = TorchCheckpoint.open(fixture("views.pth"))) {
            assertArrayEquals(matrix(ROWS, COLS, (r, c) -> base(r, c)), checkpoint.read("half"));
            assertArrayEquals(matrix(2, COLS, (r, c) -> base(r + 2, c)), checkpoint.read("bfloat16_tail"));
            assertArrayEquals(matrix(1, ROWS, (r, c) -> base(c, 1)), checkpoint.read("double_column"));
            assertArrayEquals(new float[] {0, 1, 2, 3, 4}, checkpoint.read("int64"));
        }
    }

    @Test
    void aStateDictNestedUnderAKeyIsFoundAndOtherEntriesIgnored() {
        try (TorchCheckpoint checkpoint = TorchCheckpoint.open(fixture("nested.pth"))) {
            assertEquals(1, checkpoint.shapes().size());
            assertArrayEquals(matrix(ROWS, COLS, (r, c) -> base(r, c)), checkpoint.read("weight"));
        }
    }

    @Test
    void aFileThatIsNotATorchSaveArchiveIsAClearError() throws IOException {
        Path file = dir.resolve("legacy.pth");
        Files.write(file, new byte[] {(byte) 0x80, 2, 'c', 'x'});
        TorchCheckpointException e = assertThrows(TorchCheckpointException.class, () -> TorchCheckpoint.open(file));
        assertEquals(file, e.file());
        assertTrue(e.getMessage().contains("torch.save"), e.getMessage());
    }

    private interface Cell {
        float at(int row, int col);
    }

    @Test
    void viewsWhoseSizesOverflowOrAreNegativeAreClearErrorsNamingFileAndTensor() {
        // Written by torch.save with hand-made views: sizes (2^62, 4), (2^33, 2^31) with stride 2^33, and (-4, 2).
        Path file = fixture("hostile-views.pth");
        try (TorchCheckpoint checkpoint = TorchCheckpoint.open(file)) {
            for (String name : new String[] {"overflow", "wraps", "negative"}) {
                TorchCheckpointException e = assertThrows(TorchCheckpointException.class, () -> checkpoint.read(name));
                assertEquals(file, e.file());
                assertTrue(e.getMessage().contains("tensor '" + name + "'"), e.getMessage());
            }
            assertEquals(8, checkpoint.read("fine").length, "a sane view of the same storage still reads");
        }
    }

    private static float base(int row, int col) {
        return (row * COLS + col) / 8f - 1;
    }

    private static float[] matrix(int rows, int cols, Cell cell) {
        float[] values = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                values[r * cols + c] = cell.at(r, c);
            }
        }
        return values;
    }

    private static Path fixture(String name) {
        try {
            return Path.of(TorchCheckpointTest.class.getResource("/lm/pth/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
