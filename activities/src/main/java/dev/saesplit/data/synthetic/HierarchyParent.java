package dev.saesplit.data.synthetic;

import java.util.List;

/**
 * A parent feature and its children, as feature indices.
 *
 * @param feature  the parent
 * @param children its children, each firing only with it
 */
public record HierarchyParent(int feature, List<Integer> children) {

    public HierarchyParent {
        children = List.copyOf(children);
    }
}
