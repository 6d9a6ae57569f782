package dev.saesplit.evaluate.interpret;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import dev.saesplit.evaluate.HeldOutPass;
import dev.saesplit.sae.SparseAutoencoder;

import java.util.ArrayList;
import java.util.List;

/**
 * The held-out rows on which each studied latent fires highest, gathered in one streaming pass: per latent a
 * {@link BoundedTop} of {@code k} rows, so memory does not grow with the number of rows. Only rows where a latent
 * fires (activation {@code > 0}) are candidates, so a latent that never fires has no top rows. Rows are counted
 * from 0 in the order {@link HeldOutPass} visits them.
 */
final class TopActivatingRows implements HeldOutPass.Visitor {

    private final int[] children;
    private final NDIndex[] childColumns;
    private final BoundedTop target;
    private final List<BoundedTop> perChild = new ArrayList<>();
    private long nextRow;

    /**
     * @param children wide-SAE indices of the children, in the order results are reported
     * @param k        rows kept per latent
     */
    TopActivatingRows(int[] children, int k) {
        this.children = children.clone();
        this.childColumns = new NDIndex[children.length];
        this.target = new BoundedTop(k);
        for (int i = 0; i < children.length; i++) {
            childColumns[i] = new NDIndex(":, {}", children[i]);
            perChild.add(new BoundedTop(k));
        }
    }

    @Override
    public void block(NDArray x, float[] targetActivations, NDArray latents, SparseAutoencoder wide) {
        float[][] columns = new float[children.length][];
        for (int i = 0; i < children.length; i++) {
            columns[i] = latents.get(childColumns[i]).toFloatArray();
        }
        accept(targetActivations, columns);
    }

    /**
     * One block of consecutive rows.
     *
     * @param targetActivations the narrow target's activation per row
     * @param childActivations  per child (in constructor order), its activation per row
     */
    void accept(float[] targetActivations, float[][] childActivations) {
        offer(target, targetActivations);
        for (int i = 0; i < children.length; i++) {
            offer(perChild.get(i), childActivations[i]);
        }
        nextRow += targetActivations.length;
    }

    /** The target's top rows, highest first. */
    List<BoundedTop.Entry> target() {
        return target.ranked();
    }

    /** Child {@code index}'s (position in the constructor's array) top rows, highest first. */
    List<BoundedTop.Entry> child(int index) {
        return perChild.get(index).ranked();
    }

    /** Rows seen so far. */
    long rows() {
        return nextRow;
    }

    private void offer(BoundedTop top, float[] activations) {
        for (int i = 0; i < activations.length; i++) {
            if (activations[i] > 0) {
                top.offer(nextRow + i, activations[i]);
            }
        }
    }
}
