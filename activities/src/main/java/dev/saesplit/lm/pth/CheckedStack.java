package dev.saesplit.lm.pth;

import java.util.ArrayList;
import java.util.List;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.UnpickleStack;

/**
 * The unpickler's stack, kept where {@link PickleGuard} can look at it before an opcode runs (the library's own
 * hides everything below the top), and failing as a {@link PickleException} where the library's would throw an
 * index error: a pickle that pops more than it pushed is malformed, not a bug.
 */
final class CheckedStack extends UnpickleStack {

    private static final long serialVersionUID = 1L;

    private final ArrayList<Object> items = new ArrayList<>();
    /** Where the marks are, bottom first: finding the top mark must not cost a scan of the stack. */
    private final ArrayList<Integer> marks = new ArrayList<>();

    @Override
    public void add(Object item) {
        items.add(item);
    }

    @Override
    public void add_mark() {
        marks.add(items.size());
        items.add(MARKER);
    }

    @Override
    public Object pop() {
        if (items.isEmpty()) {
            throw new PickleException("an opcode pops from an empty stack");
        }
        Object top = items.remove(items.size() - 1);
        if (top == MARKER) {
            marks.remove(marks.size() - 1);
        }
        return top;
    }

    @Override
    public List<Object> pop_all_since_marker() {
        int mark = markIndex();
        List<Object> popped = new ArrayList<>(items.subList(mark + 1, items.size()));
        items.subList(mark, items.size()).clear();
        marks.remove(marks.size() - 1);
        return popped;
    }

    @Override
    public Object peek() {
        if (items.isEmpty()) {
            throw new PickleException("an opcode reads an empty stack");
        }
        return items.get(items.size() - 1);
    }

    @Override
    public void trim() {
        items.trimToSize();
    }

    @Override
    public int size() {
        return items.size();
    }

    @Override
    public void clear() {
        items.clear();
        marks.clear();
        items.trimToSize();
    }

    /** The item {@code depth} places below the top (0: the top), or a {@link PickleException}. */
    Object below(int depth) {
        if (depth >= items.size()) {
            throw new PickleException("an opcode needs " + (depth + 1) + " stack items; the stack holds "
                    + items.size());
        }
        return items.get(items.size() - 1 - depth);
    }

    /** The items above the topmost mark, bottom first, left on the stack. */
    List<Object> sinceMarker() {
        return items.subList(markIndex() + 1, items.size());
    }

    private int markIndex() {
        if (marks.isEmpty()) {
            throw new PickleException("an opcode needs a mark the pickle never set");
        }
        return marks.get(marks.size() - 1);
    }
}
