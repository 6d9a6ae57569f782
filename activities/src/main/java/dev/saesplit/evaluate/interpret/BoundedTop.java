package dev.saesplit.evaluate.interpret;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The {@code k} largest values offered, with the id each came with, in O(k) memory: a stream of any length
 * (every held-out row, every vocabulary token) is ranked without being kept. Equal values rank the smaller id
 * first, so the result does not depend on anything but the values and ids.
 */
final class BoundedTop {

    /** A ranked value and the id (row, token) it belongs to. */
    record Entry(long id, double value) {
    }

    private final int k;
    private final double[] values;
    private final long[] ids;
    private int size;

    BoundedTop(int k) {
        if (k < 0) {
            throw new IllegalArgumentException("k must be >= 0, was " + k);
        }
        this.k = k;
        this.values = new double[k];
        this.ids = new long[k];
    }

    /** Keeps {@code (id, value)} if it ranks among the {@code k} largest so far. */
    void offer(long id, double value) {
        if (size < k) {
            values[size] = value;
            ids[size] = id;
            siftUp(size++);
        } else if (k > 0 && ranksAbove(value, id, values[0], ids[0])) {
            values[0] = value;
            ids[0] = id;
            siftDown(0);
        }
    }

    /** The kept entries, largest first. */
    List<Entry> ranked() {
        List<Entry> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(new Entry(ids[i], values[i]));
        }
        out.sort(Comparator.comparingDouble(Entry::value).reversed().thenComparingLong(Entry::id));
        return out;
    }

    private static boolean ranksAbove(double value, long id, double otherValue, long otherId) {
        return value > otherValue || (value == otherValue && id < otherId);
    }

    // A min-heap by rank: the root is the entry the next better offer displaces.
    private void siftUp(int i) {
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (!ranksAbove(values[parent], ids[parent], values[i], ids[i])) {
                return;
            }
            swap(i, parent);
            i = parent;
        }
    }

    private void siftDown(int i) {
        while (true) {
            int lowest = i;
            for (int child = 2 * i + 1; child <= 2 * i + 2 && child < size; child++) {
                if (ranksAbove(values[lowest], ids[lowest], values[child], ids[child])) {
                    lowest = child;
                }
            }
            if (lowest == i) {
                return;
            }
            swap(i, lowest);
            i = lowest;
        }
    }

    private void swap(int a, int b) {
        double value = values[a];
        values[a] = values[b];
        values[b] = value;
        long id = ids[a];
        ids[a] = ids[b];
        ids[b] = id;
    }
}
