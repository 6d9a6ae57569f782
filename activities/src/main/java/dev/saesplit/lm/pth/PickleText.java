package dev.saesplit.lm.pth;

import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import net.razorvine.pickle.IObjectConstructor;

/**
 * Text built from what a pickle holds, for error messages. A hostile pickle can hold a structure whose plain
 * {@code toString} is exponentially long (a list holding itself twice, many levels deep) or deep enough to
 * overflow the stack, so everything shown here is cut off by depth, by element count and by length.
 */
final class PickleText {

    /** The longest text a message quotes from a file. */
    static final int MAX_CHARS = 160;
    private static final int MAX_DEPTH = 3;
    private static final int MAX_ELEMENTS = 8;

    private PickleText() {
    }

    /** A short rendering of {@code value}: strings and numbers shown clipped, containers a few elements deep. */
    static String describe(Object value) {
        StringBuilder out = new StringBuilder();
        append(out, value, 0);
        return clip(out.toString());
    }

    /** {@code text} cut to {@link #MAX_CHARS}, marked where it was cut. */
    static String clip(String text) {
        if (text == null) {
            return "null";
        }
        return text.length() <= MAX_CHARS ? text : text.substring(0, MAX_CHARS) + "… (" + text.length()
                + " characters)";
    }

    private static void append(StringBuilder out, Object value, int depth) {
        if (out.length() > MAX_CHARS) {
            return;
        }
        if (value == null) {
            out.append("None");
        } else if (value instanceof String s) {
            out.append('\'').append(s, 0, Math.min(s.length(), MAX_CHARS)).append('\'');
        } else if (value instanceof Number || value instanceof Boolean || value instanceof TorchStorageType) {
            String text = value.toString();
            out.append(text, 0, Math.min(text.length(), MAX_CHARS));
        } else if (value instanceof Object[] tuple) {
            appendAll(out, "(", java.util.Arrays.asList(tuple).iterator(), ")", depth);
        } else if (value instanceof Collection<?> items) {
            appendAll(out, "[", items.iterator(), "]", depth);
        } else if (value instanceof Map<?, ?> map) {
            appendAll(out, "{", map.keySet().iterator(), ": …}", depth);
        } else if (value instanceof IObjectConstructor) {
            out.append("<callable ").append(value.getClass().getSimpleName()).append('>');
        } else {
            out.append('<').append(value.getClass().getSimpleName()).append('>');
        }
    }

    private static void appendAll(StringBuilder out, String open, Iterator<?> items, String close, int depth) {
        if (depth >= MAX_DEPTH) {
            out.append(open).append("…").append(close);
            return;
        }
        out.append(open);
        for (int i = 0; items.hasNext(); i++) {
            Object item = items.next();
            if (i == MAX_ELEMENTS || out.length() > MAX_CHARS) {
                out.append("…");
                break;
            }
            if (i > 0) {
                out.append(", ");
            }
            append(out, item, depth + 1);
        }
        out.append(close);
    }
}
