package dev.saesplit.lm.dataset;

import dev.saesplit.data.ActivationFormatException;
import dev.saesplit.data.npy.MappedNpyArray;
import dev.saesplit.data.npy.NpyDtype;

import java.nio.file.Path;
import java.util.NoSuchElementException;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Token ids in a .npy file (int32, int64 or uint16), memory-mapped. A 1-D array is one long token stream with no
 * document boundaries, read in segments so memory stays bounded; a 2-D {@code [n, ctx]} array holds one
 * pre-tokenized context per row, as SAELens's pre-tokenized datasets do.
 */
public final class NpyTokenDocuments implements TokenDocuments {

    /** Tokens per segment of a 1-D stream: large enough to amortise the call, small enough to be cheap. */
    static final int STREAM_SEGMENT_TOKENS = 1 << 16;

    private final MappedNpyArray array;
    private final boolean stream;
    private String identity;

    public NpyTokenDocuments(Path file) {
        try {
            this.array = MappedNpyArray.open(file, Set.of(NpyDtype.INT32, NpyDtype.INT64, NpyDtype.UINT16),
                    Set.of(1, 2));
        } catch (ActivationFormatException e) {
            throw new DocumentFormatException(file, e.problem(), e);
        }
        this.stream = array.shape().length == 1;
    }

    @Override
    public DocumentSegments read(DocumentPosition from) {
        return new DocumentSegments() {
            private long document = from.document();
            private long offset = from.offset();

            @Override
            public boolean hasNext() {
                if (!stream && offset == array.rowLength()) {
                    document++; // the place just after a row is the start of the next
                    offset = 0;
                }
                return stream ? document == 0 && offset < array.rows() : document < array.rows();
            }

            @Override
            public DocumentSegment next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return stream ? streamSegment() : rowSegment();
            }

            private DocumentSegment streamSegment() {
                int count = (int) Math.min(STREAM_SEGMENT_TOKENS, array.rows() - offset);
                DocumentSegment segment = new DocumentSegment(0, offset, read(offset, count));
                offset += count;
                return segment;
            }

            private DocumentSegment rowSegment() {
                if (offset > array.rowLength()) {
                    throw new IllegalArgumentException(describe(document) + " has " + array.rowLength()
                            + " tokens; cannot start at offset " + offset);
                }
                long rowStart = document * array.rowLength();
                int count = (int) (array.rowLength() - offset);
                DocumentSegment segment = new DocumentSegment(document, offset, read(rowStart + offset, count));
                document++;
                offset = 0;
                return segment;
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public boolean pretokenizedContexts() {
        return !stream;
    }

    @Override
    public OptionalLong documentCount() {
        return OptionalLong.of(stream ? 1 : array.rows());
    }

    @Override
    public String describe(long document) {
        return stream ? array.file().toString() : array.file() + " row " + document;
    }

    @Override
    public synchronized String identity() {
        if (identity == null) {
            identity = SourceFiles.find(array.file(), Set.of(".npy")).identity("npy " + array.dtype().label()
                    + (stream ? " stream" : " contexts"));
        }
        return identity;
    }

    private int[] read(long index, int count) {
        int[] ids = new int[count];
        array.readIntegers(index, count, ids, 0);
        for (int i = 0; i < count; i++) {
            if (ids[i] < 0) {
                throw new DocumentFormatException(array.file(), "element " + (index + i) + " is a negative"
                        + " token id, " + ids[i]);
            }
        }
        return ids;
    }
}
