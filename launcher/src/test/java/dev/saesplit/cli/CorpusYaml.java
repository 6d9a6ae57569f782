package dev.saesplit.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Spec trees for the validation corpus and the three ways users write them. Scalars are raw YAML text, so a
 * mutation can put anything there ({@code .nan}, {@code ""}, {@code *alias}); a key {@code "seed#2"} is written
 * as {@code seed}, so a tree can hold a duplicate key.
 */
final class CorpusYaml {

    enum Style {
        /** Every mapping and list on its own lines. */
        BLOCK,
        /** Block structure, each run-table row on one line, as the seed study writes it. */
        FLOW_ROWS,
        /** The whole document as one flow mapping. */
        FLOW
    }

    private CorpusYaml() {
    }

    /** A mapping from alternating keys and values, in order. */
    static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    /** A deep, mutable copy of {@code tree}. */
    @SuppressWarnings("unchecked")
    static Object copy(Object tree) {
        if (tree instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put((String) k, copy(v)));
            return copy;
        }
        if (tree instanceof List<?> list) {
            List<Object> copy = new ArrayList<>();
            list.forEach(item -> copy.add(copy(item)));
            return copy;
        }
        return tree;
    }

    static String render(Map<String, Object> spec, Style style) {
        StringBuilder out = new StringBuilder();
        if (style == Style.FLOW) {
            return flow(spec, out).append('\n').toString();
        }
        block(spec, 0, style, out, false);
        return out.toString();
    }

    /** {@code map} at {@code indent}; {@code firstInline}: its first key follows a list's "- " on the same line. */
    private static void block(Map<?, ?> map, int indent, Style style, StringBuilder out, boolean firstInline) {
        boolean first = true;
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!(first && firstInline)) {
                out.append(" ".repeat(indent));
            }
            first = false;
            out.append(key(entry.getKey())).append(':');
            Object value = entry.getValue();
            if (value instanceof Map<?, ?> child && !child.isEmpty()) {
                block(child, indent + 2, style, out.append('\n'), false);
            } else if (value instanceof List<?> list && !list.isEmpty()) {
                out.append('\n');
                for (Object item : list) {
                    out.append(" ".repeat(indent + 2)).append("- ");
                    if (item instanceof Map<?, ?> row && !row.isEmpty() && style == Style.BLOCK) {
                        block(row, indent + 4, style, out, true);
                    } else {
                        flow(item, out).append('\n');
                    }
                }
            } else {
                flow(value, out.append(' ')).append('\n');
            }
        }
    }

    private static StringBuilder flow(Object value, StringBuilder out) {
        if (value instanceof Map<?, ?> map) {
            out.append('{');
            String separator = "";
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                flow(entry.getValue(), out.append(separator).append(key(entry.getKey())).append(": "));
                separator = ", ";
            }
            return out.append('}');
        }
        if (value instanceof List<?> list) {
            out.append('[');
            String separator = "";
            for (Object item : list) {
                flow(item, out.append(separator));
                separator = ", ";
            }
            return out.append(']');
        }
        return out.append(value);
    }

    private static String key(Object key) {
        String text = (String) key;
        int mark = text.indexOf('#');
        return mark > 0 ? text.substring(0, mark) : text;
    }
}
