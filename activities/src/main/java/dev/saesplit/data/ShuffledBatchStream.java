package dev.saesplit.data;

import dev.saesplit.random.SplitMix64;
import java.util.Arrays;
import java.util.Objects;

/**
 * A {@link BatchStream} that visits every row of its source exactly once per epoch, in an order fixed by the
 * seed and the epoch number, and cycles epochs forever.
 *
 * <p>An epoch's order: rows are grouped into contiguous chunks; a {@link SeededPermutation} orders the chunks;
 * consecutive runs of {@code windowChunks} chunks in that order form windows, each read into memory and its
 * rows shuffled together (Fisher–Yates seeded by epoch and window). Everything is a function of (seed, epoch,
 * position), which is why {@link #seek} can land anywhere without replaying earlier batches. Memory is one
 * window, whatever the size of the source; batches are copied into the caller's array with no allocation.
 *
 * <p>The stream does not own its source: closing the stream leaves the source open.
 */
public final class ShuffledBatchStream implements BatchStream {

    /** Sub-streams of an epoch's seed, kept apart so the chunk order and the row shuffles are independent. */
    private static final long CHUNK_ORDER_STREAM = 0;
    private static final long ROW_SHUFFLE_STREAM = 1;

    private final ActivationSource source;
    private final ShuffleConfig config;
    private final int dIn;
    private final long tokens;
    private final long chunkCount;
    private final int tailChunkRows;
    private final long windowCount;
    private final long fullWindowRows;

    private final float[] windowData;
    private final int[] rowOrder;
    private final long[] windowChunkIds;

    private long epoch;
    private long epochSeed;
    private SeededPermutation chunkOrder;
    private long tailChunkSlot;
    private long window;
    private long windowStart;
    private int windowRows;
    private int windowOffset;
    private boolean windowLoaded;

    public ShuffledBatchStream(ActivationSource source, ShuffleConfig config) {
        this.source = Objects.requireNonNull(source, "source");
        this.config = Objects.requireNonNull(config, "config");
        this.dIn = source.dIn();
        this.tokens = source.tokens();
        if (tokens <= 0) {
            throw new IllegalArgumentException("cannot stream batches from a source with no rows");
        }
        long chunkRows = config.chunkRows();
        this.chunkCount = (tokens + chunkRows - 1) / chunkRows;
        this.tailChunkRows = (int) (tokens - (chunkCount - 1) * chunkRows);
        this.windowCount = (chunkCount + config.windowChunks() - 1) / config.windowChunks();
        this.fullWindowRows = chunkRows * config.windowChunks();
        long capacityRows = Math.min(fullWindowRows, tokens);
        if (capacityRows * dIn > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a shuffle window of " + capacityRows + " rows of width " + dIn
                    + " does not fit in one array; lower chunkRows or windowChunks");
        }
        this.windowData = new float[(int) capacityRows * dIn];
        this.rowOrder = new int[(int) capacityRows];
        this.windowChunkIds = new long[(int) Math.min(config.windowChunks(), chunkCount)];
        seek(BatchCursor.START);
    }

    @Override
    public int dIn() {
        return dIn;
    }

    @Override
    public int batchSize() {
        return config.batchSize();
    }

    @Override
    public void next(float[] into) {
        int batchSize = config.batchSize();
        if (into.length < batchSize * dIn) {
            throw new IllegalArgumentException(
                    "batch array holds " + into.length + " floats, needs " + batchSize * dIn);
        }
        int filled = 0;
        while (filled < batchSize) {
            if (!windowLoaded) {
                loadWindow();
            }
            int take = Math.min(batchSize - filled, windowRows - windowOffset);
            for (int i = 0; i < take; i++) {
                System.arraycopy(windowData, rowOrder[windowOffset + i] * dIn, into, (filled + i) * dIn, dIn);
            }
            filled += take;
            windowOffset += take;
            if (windowOffset == windowRows) {
                advanceWindow();
            }
        }
    }

    @Override
    public BatchCursor cursor() {
        return new BatchCursor(epoch, windowStart + windowOffset);
    }

    @Override
    public void seek(BatchCursor cursor) {
        Objects.requireNonNull(cursor, "cursor");
        if (cursor.epoch() < 0 || cursor.position() < 0 || cursor.position() > tokens) {
            throw new IllegalArgumentException(
                    "cursor " + cursor + " is outside a source of " + tokens + " rows");
        }
        boolean epochFinished = cursor.position() == tokens;
        startEpoch(epochFinished ? cursor.epoch() + 1 : cursor.epoch());
        long position = epochFinished ? 0 : cursor.position();
        long guess = Math.min(position / fullWindowRows, windowCount - 1);
        // The one short chunk can pull window starts back by less than a chunk, so the answer is guess or guess+1.
        enterWindow(guess + 1 < windowCount && windowStart(guess + 1) <= position ? guess + 1 : guess, position);
    }

    private void startEpoch(long newEpoch) {
        epoch = newEpoch;
        epochSeed = SplitMix64.derive(config.seed(), newEpoch);
        chunkOrder = new SeededPermutation(chunkCount, SplitMix64.derive(epochSeed, CHUNK_ORDER_STREAM));
        tailChunkSlot = chunkOrder.inverse(chunkCount - 1);
    }

    private void advanceWindow() {
        if (window + 1 < windowCount) {
            enterWindow(window + 1, windowStart + windowRows);
        } else {
            startEpoch(epoch + 1);
            enterWindow(0, 0);
        }
    }

    /** Positions the stream at row {@code position} of the epoch, inside window {@code w}; loads lazily. */
    private void enterWindow(long w, long position) {
        window = w;
        windowStart = windowStart(w);
        windowRows = (int) (windowStart(w + 1) - windowStart);
        windowOffset = (int) (position - windowStart);
        windowLoaded = false;
    }

    /** Rows of this epoch before window {@code w}: full windows, less the short tail chunk if it came earlier. */
    private long windowStart(long w) {
        if (w >= windowCount) {
            return tokens;
        }
        long firstSlot = w * config.windowChunks();
        long shortfall = tailChunkSlot < firstSlot ? config.chunkRows() - tailChunkRows : 0;
        return w * fullWindowRows - shortfall;
    }

    private void loadWindow() {
        long firstSlot = window * config.windowChunks();
        int chunks = (int) Math.min(config.windowChunks(), chunkCount - firstSlot);
        for (int i = 0; i < chunks; i++) {
            windowChunkIds[i] = chunkOrder.apply(firstSlot + i);
        }
        // Reading in file order is kinder to the page cache; the row shuffle below makes the order irrelevant.
        Arrays.sort(windowChunkIds, 0, chunks);
        int rowsRead = 0;
        for (int i = 0; i < chunks; i++) {
            long chunk = windowChunkIds[i];
            int rows = chunk == chunkCount - 1 ? tailChunkRows : config.chunkRows();
            source.read(chunk * config.chunkRows(), rows, windowData, rowsRead * dIn);
            rowsRead += rows;
        }
        if (rowsRead != windowRows) {
            throw new IllegalStateException("window " + window + " read " + rowsRead + " rows, expected " + windowRows);
        }
        long windowSeed = SplitMix64.derive(SplitMix64.derive(epochSeed, ROW_SHUFFLE_STREAM), window);
        shuffleRowOrder(rowsRead, new SplitMix64(windowSeed));
        windowLoaded = true;
    }

    private void shuffleRowOrder(int rows, SplitMix64 random) {
        for (int i = 0; i < rows; i++) {
            rowOrder[i] = i;
        }
        for (int i = rows - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = rowOrder[i];
            rowOrder[i] = rowOrder[j];
            rowOrder[j] = swap;
        }
    }
}
