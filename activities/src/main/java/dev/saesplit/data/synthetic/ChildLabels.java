package dev.saesplit.data.synthetic;

import dev.saesplit.data.npy.MappedNpyArray;
import dev.saesplit.data.npy.NpyDtype;

import java.nio.file.Path;
import java.util.Set;

/**
 * Per token, which child of each parent fired (or -1 when the parent did not): the exact labels a split is
 * scored against. Memory-mapped; one int per token and parent.
 */
public final class ChildLabels {

    private final MappedNpyArray labels;

    private ChildLabels(MappedNpyArray labels) {
        this.labels = labels;
    }

    static ChildLabels open(Path file) {
        return new ChildLabels(MappedNpyArray.open(file, Set.of(NpyDtype.INT32), Set.of(2)));
    }

    public long tokens() {
        return labels.rows();
    }

    public int parents() {
        return labels.rowLength();
    }

    /**
     * Copies the labels of tokens {@code [start, start + count)}, {@link #parents()} per token, into {@code dst}:
     * the feature index of the child that fired for each parent, or -1.
     */
    public void read(long start, int count, int[] dst, int dstOffset) {
        labels.readInts(start, count, dst, dstOffset);
    }
}
