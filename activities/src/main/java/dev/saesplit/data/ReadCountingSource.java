package dev.saesplit.data;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Another source, telling {@code rowsRead} after each read how many rows have been read through it so far (from
 * any thread, every pass included): how an activity that scans activations reports its progress without its
 * scanning code knowing of progress. Does not own the source it counts: closing it closes nothing.
 */
public final class ReadCountingSource implements ActivationSource {

    private final ActivationSource source;
    private final LongConsumer rowsRead;
    private final AtomicLong read = new AtomicLong();

    public ReadCountingSource(ActivationSource source, LongConsumer rowsRead) {
        this.source = source;
        this.rowsRead = rowsRead;
    }

    @Override
    public int dIn() {
        return source.dIn();
    }

    @Override
    public long tokens() {
        return source.tokens();
    }

    /** The count is atomic; the consumer it reports to must then take reports from several threads. */
    @Override
    public boolean allowsConcurrentReads() {
        return source.allowsConcurrentReads();
    }

    @Override
    public void read(long start, int count, float[] dst, int dstOffset) {
        source.read(start, count, dst, dstOffset);
        rowsRead.accept(read.addAndGet(count));
    }

    @Override
    public void readRow(long row, float[] dst, int dstOffset) {
        source.readRow(row, dst, dstOffset);
        rowsRead.accept(read.incrementAndGet());
    }
}
