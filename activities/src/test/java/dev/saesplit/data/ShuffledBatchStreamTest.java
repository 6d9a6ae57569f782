package dev.saesplit.data;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShuffledBatchStreamTest {

    private static final int D = 3;
    /** Not a multiple of the chunk, window or batch size, so the short tail chunk and straddling batches occur. */
    private static final int TOKENS = 1003;
    private static final ShuffleConfig CONFIG = new ShuffleConfig(64, 99, 7, 5);

    @Test
    void everyEpochVisitsEveryRowExactlyOnce() {
        try (ShuffledBatchStream stream = new ShuffledBatchStream(rowIdSource(TOKENS), CONFIG)) {
            long[] order = rowIds(stream, 3 * TOKENS);
            for (int epoch = 0; epoch < 3; epoch++) {
                long[] visited = Arrays.copyOfRange(order, epoch * TOKENS, (epoch + 1) * TOKENS);
                Arrays.sort(visited);
                for (int row = 0; row < TOKENS; row++) {
                    assertEquals(row, visited[row], "epoch " + epoch);
                }
            }
        }
    }

    @Test
    void epochsAreShuffledDifferentlyAndNotInFileOrder() {
        try (ShuffledBatchStream stream = new ShuffledBatchStream(rowIdSource(TOKENS), CONFIG)) {
            long[] order = rowIds(stream, 2 * TOKENS);
            long[] first = Arrays.copyOfRange(order, 0, TOKENS);
            long[] second = Arrays.copyOfRange(order, TOKENS, 2 * TOKENS);
            assertFalse(Arrays.equals(first, second));
            long inPlace = IntStream.range(0, TOKENS).filter(i -> first[i] == i).count();
            assertTrue(inPlace < 15, inPlace + " rows stayed in file order");
        }
    }

    @Test
    void theSameSeedGivesTheSameBatchesAndAnotherSeedDoesNot() {
        long[] a;
        long[] b;
        long[] c;
        try (ShuffledBatchStream one = new ShuffledBatchStream(rowIdSource(TOKENS), CONFIG);
             ShuffledBatchStream two = new ShuffledBatchStream(rowIdSource(TOKENS), CONFIG);
             ShuffledBatchStream other = new ShuffledBatchStream(rowIdSource(TOKENS),
                     new ShuffleConfig(64, 100, 7, 5))) {
            a = rowIds(one, TOKENS);
            b = rowIds(two, TOKENS);
            c = rowIds(other, TOKENS);
        }
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
    }

    @Test
    void seekingToAnyCursorReproducesTheUninterruptedBatches() {
        int batches = 40; // about 2.5 epochs
        List<BatchCursor> cursors = new ArrayList<>();
        List<float[]> expected = new ArrayList<>();
        try (ShuffledBatchStream stream = new ShuffledBatchStream(rowIdSource(TOKENS), CONFIG)) {
            for (int i = 0; i < batches; i++) {
                cursors.add(stream.cursor());
                float[] batch = new float[CONFIG.batchSize() * D];
                stream.next(batch);
                expected.add(batch);
            }
        }
        try (ShuffledBatchStream resumed = new ShuffledBatchStream(rowIdSource(TOKENS), CONFIG)) {
            float[] batch = new float[CONFIG.batchSize() * D];
            for (int from : new int[] {0, 1, 15, 16, 17, 33, 39, 7}) {
                resumed.seek(cursors.get(from));
                for (int i = from; i < Math.min(batches, from + 4); i++) {
                    resumed.next(batch);
                    assertArrayEquals(expected.get(i), batch, "batch " + i + " after seeking to " + from);
                }
            }
        }
    }

    @Test
    void cursorCountsRowsOfTheCurrentEpochAndRollsOverAtItsEnd() {
        try (ShuffledBatchStream stream = new ShuffledBatchStream(rowIdSource(TOKENS), CONFIG)) {
            float[] batch = new float[CONFIG.batchSize() * D];
            for (int i = 0; i < 15; i++) {
                stream.next(batch);
            }
            assertEquals(new BatchCursor(0, 15 * 64), stream.cursor());
            stream.next(batch); // crosses the epoch boundary: 16 * 64 - 1003 = 21 rows into epoch 1
            assertEquals(new BatchCursor(1, 21), stream.cursor());
        }
    }

    @Test
    void theEndOfAnEpochIsTheStartOfTheNext() {
        try (ShuffledBatchStream a = new ShuffledBatchStream(rowIdSource(TOKENS), CONFIG);
             ShuffledBatchStream b = new ShuffledBatchStream(rowIdSource(TOKENS), CONFIG)) {
            a.seek(new BatchCursor(2, TOKENS));
            b.seek(new BatchCursor(3, 0));
            assertArrayEquals(rowIds(a, 200), rowIds(b, 200));
            assertNotEquals(new BatchCursor(2, TOKENS), new BatchCursor(3, 0));
        }
    }

    @Test
    void aCursorPastTheEndOfTheSourceIsRejected() {
        try (ShuffledBatchStream stream = new ShuffledBatchStream(rowIdSource(TOKENS), CONFIG)) {
            assertThrows(IllegalArgumentException.class, () -> stream.seek(new BatchCursor(0, TOKENS + 1)));
        }
    }

    @Test
    void aSourceSmallerThanOneChunkStillCycles() {
        try (ShuffledBatchStream stream = new ShuffledBatchStream(rowIdSource(3), CONFIG)) {
            long[] order = rowIds(stream, 63);
            for (int epoch = 0; epoch < 21; epoch++) {
                long[] visited = Arrays.copyOfRange(order, epoch * 3, epoch * 3 + 3);
                Arrays.sort(visited);
                assertArrayEquals(new long[] {0, 1, 2}, visited);
            }
        }
    }

    /** Row r holds the value r in every column, so a batch tells which rows it came from. */
    private static ActivationSource rowIdSource(int tokens) {
        float[] data = new float[tokens * D];
        for (int r = 0; r < tokens; r++) {
            Arrays.fill(data, r * D, (r + 1) * D, r);
        }
        return InMemoryActivationSource.of(data, D);
    }

    /** The row ids of the next {@code rows} rows (rounded up to whole batches, then cut). */
    private static long[] rowIds(BatchStream stream, int rows) {
        int batchSize = stream.batchSize();
        float[] batch = new float[batchSize * D];
        long[] ids = new long[rows];
        for (int done = 0; done < rows; done += batchSize) {
            stream.next(batch);
            for (int i = 0; i < batchSize && done + i < rows; i++) {
                assertEquals(batch[i * D], batch[i * D + D - 1], "a row is copied whole");
                ids[done + i] = (long) batch[i * D];
            }
        }
        return ids;
    }
}
