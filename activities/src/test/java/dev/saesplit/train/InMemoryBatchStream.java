package dev.saesplit.train;

import dev.saesplit.data.BatchCursor;
import dev.saesplit.data.BatchStream;
import dev.saesplit.random.SplitMix64;

/** A {@link BatchStream} over rows held in memory, shuffled per epoch from a seed: the test stand-in for real data. */
final class InMemoryBatchStream implements BatchStream {

    private final float[] rows;
    private final int dIn;
    private final int batchSize;
    private final int rowCount;
    private final long seed;
    private int[] order;
    private long epoch;
    private long position;

    InMemoryBatchStream(float[] rows, int dIn, int batchSize, long seed) {
        this.rows = rows;
        this.dIn = dIn;
        this.batchSize = batchSize;
        this.rowCount = rows.length / dIn;
        this.seed = seed;
        seek(BatchCursor.START);
    }

    @Override
    public int dIn() {
        return dIn;
    }

    @Override
    public int batchSize() {
        return batchSize;
    }

    @Override
    public void next(float[] into) {
        for (int r = 0; r < batchSize; r++) {
            if (position == rowCount) {
                epoch++;
                position = 0;
                order = permutation(epoch);
            }
            System.arraycopy(rows, order[(int) position] * dIn, into, r * dIn, dIn);
            position++;
        }
    }

    @Override
    public BatchCursor cursor() {
        return new BatchCursor(epoch, position);
    }

    @Override
    public void seek(BatchCursor cursor) {
        epoch = cursor.epoch();
        position = cursor.position();
        order = permutation(epoch);
    }

    private int[] permutation(long forEpoch) {
        SplitMix64 random = new SplitMix64(seed * 31 + forEpoch);
        int[] permutation = new int[rowCount];
        for (int i = 0; i < rowCount; i++) {
            permutation[i] = i;
        }
        for (int i = rowCount - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = permutation[i];
            permutation[i] = permutation[j];
            permutation[j] = swap;
        }
        return permutation;
    }
}
