package dev.saesplit.data;

/**
 * How a {@link ShuffledBatchStream} orders rows. Rows are read in contiguous chunks of {@code chunkRows} (for
 * memory-mapped locality); each epoch visits the chunks in a seeded order, {@code windowChunks} at a time, and
 * shuffles the rows of each window together. A bigger window mixes better and costs
 * {@code chunkRows * windowChunks * dIn} floats of heap.
 *
 * @param batchSize    rows per batch
 * @param seed         seed of every epoch's order
 * @param chunkRows    rows read contiguously
 * @param windowChunks chunks shuffled together
 */
public record ShuffleConfig(int batchSize, long seed, int chunkRows, int windowChunks) {

    /** About 256 KiB per contiguous read: long enough for sequential I/O, short enough to mix well. */
    private static final long TARGET_CHUNK_BYTES = 256L << 10;
    /** About 64 MiB of shuffle window. */
    private static final long TARGET_WINDOW_BYTES = 64L << 20;

    public ShuffleConfig {
        requirePositive("batchSize", batchSize);
        requirePositive("chunkRows", chunkRows);
        requirePositive("windowChunks", windowChunks);
    }

    /** Chunk and window sizes chosen for rows of {@code dIn} float32 values. */
    public static ShuffleConfig forWidth(int batchSize, long seed, int dIn) {
        requirePositive("dIn", dIn);
        long rowBytes = 4L * dIn;
        int chunkRows = (int) Math.max(1, TARGET_CHUNK_BYTES / rowBytes);
        int windowChunks = (int) Math.max(1, TARGET_WINDOW_BYTES / (rowBytes * chunkRows));
        return new ShuffleConfig(batchSize, seed, chunkRows, windowChunks);
    }

    private static void requirePositive(String field, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(field + " must be positive, got " + value);
        }
    }
}
