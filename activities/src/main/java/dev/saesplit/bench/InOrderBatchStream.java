package dev.saesplit.bench;

import dev.saesplit.data.ActivationSource;
import dev.saesplit.data.BatchCursor;
import dev.saesplit.data.BatchStream;

/**
 * Batches cut in order from a source's rows and cycled, whole batches only (a last partial batch is never read):
 * the order SAELens's side of the peer check reads the same file in, so both trainers see the same batches.
 */
final class InOrderBatchStream implements BatchStream {

    private final ActivationSource source;
    private final int batchSize;
    private final long batchesPerEpoch;
    private long delivered;

    /** Takes ownership of {@code source}: closing the stream closes it. */
    InOrderBatchStream(ActivationSource source, int batchSize) {
        if (source.tokens() < batchSize) {
            throw new IllegalArgumentException(source.tokens() + " rows hold no whole batch of " + batchSize);
        }
        this.source = source;
        this.batchSize = batchSize;
        this.batchesPerEpoch = source.tokens() / batchSize;
    }

    @Override
    public int dIn() {
        return source.dIn();
    }

    @Override
    public int batchSize() {
        return batchSize;
    }

    @Override
    public void next(float[] into) {
        source.read(delivered % batchesPerEpoch * batchSize, batchSize, into, 0);
        delivered++;
    }

    @Override
    public BatchCursor cursor() {
        return new BatchCursor(delivered / batchesPerEpoch, delivered % batchesPerEpoch * batchSize);
    }

    @Override
    public void seek(BatchCursor cursor) {
        delivered = cursor.epoch() * batchesPerEpoch + cursor.position() / batchSize;
    }

    @Override
    public void close() {
        source.close();
    }
}
