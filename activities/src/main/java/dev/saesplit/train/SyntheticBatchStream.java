package dev.saesplit.train;

import dev.saesplit.data.BatchCursor;
import dev.saesplit.data.BatchStream;
import dev.saesplit.random.SplitMix64;

/**
 * Endless batches cycled from a small pool of Gaussian rows, for measuring training speed without a data
 * source. Each batch is copied out of the pool, as a real stream copies out of its source.
 */
final class SyntheticBatchStream implements BatchStream {

    private final int dIn;
    private final int batchSize;
    private final float[][] pool;
    private long position;

    SyntheticBatchStream(int dIn, int batchSize, int poolBatches, long seed) {
        this.dIn = dIn;
        this.batchSize = batchSize;
        this.pool = new float[poolBatches][batchSize * dIn];
        SplitMix64 random = new SplitMix64(seed);
        for (float[] batch : pool) {
            for (int i = 0; i < batch.length; i++) {
                batch[i] = (float) random.nextGaussian();
            }
        }
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
