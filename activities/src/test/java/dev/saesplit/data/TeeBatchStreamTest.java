package dev.saesplit.data;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TeeBatchStreamTest {

    private static final int D_IN = 4;
    private static final int BATCH = 8;
    private static final int ROWS = 50; // batches cross epochs: 50 rows is 6.25 batches

    @Test
    void everyViewReceivesTheBatchesTheStreamDeliversEachReadOnce() {
        float[] rows = rows(1);
        CountingStream source = new CountingStream(stream(rows, 7));
        TeeBatchStream tee = new TeeBatchStream(source);
        List<BatchStream> views = List.of(tee.view(), tee.view(), tee.view());
        BatchStream alone = stream(rows, 7);
        float[] expected = new float[BATCH * D_IN];
        float[] got = new float[BATCH * D_IN];

        for (int batch = 0; batch < 20; batch++) {
            alone.next(expected);
            for (BatchStream view : views) {
                view.next(got);
                assertArrayEquals(expected, got, "batch " + batch);
                assertEquals(alone.cursor(), view.cursor(), "cursor after batch " + batch);
            }
        }
        assertEquals(20, source.batchesRead);
    }

    @Test
    void aViewOneBatchBehindStillReportsTheCursorAfterItsOwnLastBatch() {
        float[] rows = rows(2);
        TeeBatchStream tee = new TeeBatchStream(stream(rows, 3));
        BatchStream ahead = tee.view();
        BatchStream behind = tee.view();
        float[] into = new float[BATCH * D_IN];
        ahead.next(into);
        behind.next(into);
        BatchCursor afterFirst = behind.cursor();

        ahead.next(into);

        assertEquals(afterFirst, behind.cursor());
    }

    @Test
    void aViewThatFallsTwoBatchesBehindIsToldItLeftLockstep() {
        TeeBatchStream tee = new TeeBatchStream(stream(rows(3), 3));
        BatchStream ahead = tee.view();
        BatchStream behind = tee.view();
        float[] into = new float[BATCH * D_IN];
        ahead.next(into);
        ahead.next(into);

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> behind.next(into));
        assertEquals(true, e.getMessage().contains("lockstep"), e.getMessage());
    }

    @Test
    void viewsSeekingToOneCursorContinueTogetherFromThereWithOneRead() {
        float[] rows = rows(4);
        BatchStream alone = stream(rows, 9);
        float[] expected = new float[BATCH * D_IN];
        for (int i = 0; i < 5; i++) {
            alone.next(expected);
        }
        BatchCursor resumeAt = alone.cursor();
        CountingStream source = new CountingStream(stream(rows, 9));
        TeeBatchStream tee = new TeeBatchStream(source);
        List<BatchStream> views = new ArrayList<>(List.of(tee.view(), tee.view()));
        views.forEach(view -> view.seek(resumeAt));
        float[] got = new float[BATCH * D_IN];

        for (int batch = 0; batch < 4; batch++) {
            alone.next(expected);
            for (BatchStream view : views) {
                view.next(got);
                assertArrayEquals(expected, got);
            }
        }
        assertEquals(4, source.batchesRead);
    }

    private static float[] rows(long seed) {
        Random random = new Random(seed);
        float[] rows = new float[ROWS * D_IN];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = (float) random.nextGaussian();
        }
        return rows;
    }

    private static BatchStream stream(float[] rows, long seed) {
        return new ShuffledBatchStream(InMemoryActivationSource.of(rows, D_IN),
                new ShuffleConfig(BATCH, seed, 4, 3));
    }

    /** A stream that counts the batches it delivers. */
    private static final class CountingStream implements BatchStream {
        private final BatchStream inner;
        int batchesRead;

        CountingStream(BatchStream inner) {
            this.inner = inner;
        }

        @Override
        public int dIn() {
            return inner.dIn();
        }

        @Override
        public int batchSize() {
            return inner.batchSize();
        }

        @Override
        public void next(float[] into) {
            batchesRead++;
            inner.next(into);
        }

        @Override
        public BatchCursor cursor() {
            return inner.cursor();
        }

        @Override
        public void seek(BatchCursor cursor) {
            inner.seek(cursor);
        }
    }
}
