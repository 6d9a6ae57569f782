package dev.saesplit.data;

import java.util.Objects;

/**
 * One {@link BatchStream} read once for several consumers that step in lockstep: each {@link #view()} delivers
 * the batches the source delivers, in its order, and the source fills each batch once for all of them. A view may
 * be one batch ahead of another (the first consumer to ask for a batch reads it; the others copy it), never more:
 * a consumer that asks for a batch the source has gone past is out of lockstep, and is told so.
 *
 * <p>Views seek together: seeking to where the source already stands joins it there; seeking elsewhere moves the
 * source, and the views that have not followed are out of lockstep until they seek too. This is how trainers
 * resumed from one group checkpoint (all at the same cursor) share the stream again.
 *
 * <p>Not thread-safe: the consumers step on one thread. The tee does not own its source.
 */
public final class TeeBatchStream {

    private final BatchStream source;
    private final float[] current;
    private BatchCursor beforeCurrent;
    /** Batches read from the source since the last seek that moved it. */
    private long delivered;
    /** Counts the seeks that moved the source; a view from an earlier one is out of lockstep. */
    private long generation;

    public TeeBatchStream(BatchStream source) {
        this.source = Objects.requireNonNull(source, "source");
        this.current = new float[source.batchSize() * source.dIn()];
        this.beforeCurrent = source.cursor();
    }

    /** A consumer's stream, starting where the source stands now. */
    public BatchStream view() {
        return new View();
    }

    /** Batches the source has delivered since it last moved: each is read once however many views take it. */
    public long batchesRead() {
        return delivered;
    }

    private final class View implements BatchStream {

        private long taken = delivered;
        private long viewGeneration = generation;

        @Override
        public int dIn() {
            return source.dIn();
        }

        @Override
        public int batchSize() {
            return source.batchSize();
        }

        @Override
        public void next(float[] into) {
            if (viewGeneration != generation || taken < delivered - 1) {
                throw new IllegalStateException("a view of a shared batch stream fell out of lockstep: it asks for a "
                        + "batch the stream has gone past (its batch " + taken + ", the stream's " + delivered + ")");
            }
            if (taken == delivered) {
                beforeCurrent = source.cursor();
                source.next(current);
                delivered++;
            }
            System.arraycopy(current, 0, into, 0, current.length);
            taken++;
        }

        @Override
        public BatchCursor cursor() {
            return taken == delivered ? source.cursor() : beforeCurrent;
        }

        @Override
        public void seek(BatchCursor cursor) {
            if (!cursor.equals(source.cursor())) {
                source.seek(cursor);
                beforeCurrent = cursor;
                delivered = 0;
                generation++;
            }
            taken = delivered;
            viewGeneration = generation;
        }
    }
}
