package dev.saesplit.train;

import dev.saesplit.data.BatchCursor;
import dev.saesplit.data.BatchStream;
import dev.saesplit.random.SplitMix64;
import java.util.Arrays;

/**
 * Endless batches cycled from a small pool of rows held in memory (Gaussian noise, or a synthetic hierarchy
 * on which an SAE reaches a realistic sparsity), for measuring training speed without a data source. Each
 * batch is copied out of the pool, as a real stream copies out of its source.
 */
final class SyntheticBatchStream implements BatchStream {

    private final int dIn;
    private final int batchSize;
    private final float[][] pool;
    private long position;

    SyntheticBatchStream(int dIn, int batchSize, int poolBatches, long seed) {
        this(dIn, batchSize, gaussianRows(poolBatches * batchSize * dIn, seed));
    }

    /** Batches cut in order from {@code rows} (a whole number of batches of {@code dIn}-wide rows). */
    SyntheticBatchStream(int dIn, int batchSize, float[] rows) {
        int batchFloats = batchSize * dIn;
        if (rows.length == 0 || rows.length % batchFloats != 0) {
            throw new IllegalArgumentException(rows.length + " floats are not a whole number of " + batchSize
                    + " × " + dIn + " batches");
        }
        this.dIn = dIn;
        this.batchSize = batchSize;
        this.pool = new float[rows.length / batchFloats][];
        for (int b = 0; b < pool.length; b++) {
            pool[b] = Arrays.copyOfRange(rows, b * batchFloats, (b + 1) * batchFloats);
        }
    }

    private static float[] gaussianRows(int count, long seed) {
        SplitMix64 random = new SplitMix64(seed);
        float[] rows = new float[count];
        for (int i = 0; i < count; i++) {
            rows[i] = (float) random.nextGaussian();
        }
        return rows;
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
        float[] source = pool[(int) ((position / batchSize) % pool.length)];
        System.arraycopy(source, 0, into, 0, source.length);
        position += batchSize;
    }

    @Override
    public BatchCursor cursor() {
        return new BatchCursor(0, position);
    }

    @Override
    public void seek(BatchCursor cursor) {
        position = cursor.position();
    }
}
