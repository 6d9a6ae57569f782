package dev.saesplit.data;

/**
 * Where a {@link BatchStream} stands: enough, together with the stream's seed, to continue with exactly the
 * batches an uninterrupted stream would have produced. Stored in checkpoints and heartbeats.
 *
 * @param epoch    passes completed over the source
 * @param position rows of the current epoch already delivered
 */
public record BatchCursor(long epoch, long position) {

    public static final BatchCursor START = new BatchCursor(0, 0);
}
