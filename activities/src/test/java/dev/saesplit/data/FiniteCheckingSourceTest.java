package dev.saesplit.data;

import dev.saesplit.data.npy.NpyActivationSource;
import dev.saesplit.data.npy.NpyTestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FiniteCheckingSourceTest {

    @TempDir
    Path dir;

    @Test
    void aNanIsReportedWithItsFileRowAndColumn() throws IOException {
        Path clean = NpyTestFiles.float32(dir.resolve("clean.npy"), 2, 1f, 2f, 3f, 4f);
        Path dirty = NpyTestFiles.float32(dir.resolve("dirty.npy"), 2, 5f, 6f, 7f, Float.NaN);
        try (FiniteCheckingSource source = new FiniteCheckingSource(NpyActivationSource.open(List.of(clean, dirty)))) {
            NonFiniteRowException error = assertThrows(NonFiniteRowException.class,
                    () -> source.read(0, 4, new float[8], 0));
            assertEquals(dirty + " row 1", error.location());
            assertEquals(1, error.column());
            assertTrue(error.getMessage().contains(dirty + " row 1, column 1"), error.getMessage());
        }
    }

    @Test
    void anInfinityFailsAWholeScan() {
        ActivationSource source = InMemoryActivationSource.of(new float[] {0f, 1f, Float.NEGATIVE_INFINITY, 2f}, 2);
        NonFiniteRowException error = assertThrows(NonFiniteRowException.class,
                () -> FiniteCheckingSource.scanAll(source, 1));
        assertEquals("row 1", error.location());
        assertEquals(Float.NEGATIVE_INFINITY, error.value());
    }

    @Test
    void finiteRowsPassThroughUnchanged() {
        float[] data = {0f, -1f, 3.5f, 1e30f};
        try (FiniteCheckingSource source = new FiniteCheckingSource(InMemoryActivationSource.of(data, 2))) {
            float[] rows = new float[4];
            source.read(0, 2, rows, 0);
            assertArrayEquals(data, rows);
        }
    }
}
