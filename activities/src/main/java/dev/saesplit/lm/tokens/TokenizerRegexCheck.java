package dev.saesplit.lm.tokens;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;

/**
 * Refuses the regexes in a {@code tokenizer.json} (pre-tokenizer splits, normalizer replacements) that the
 * tokenizers library's backtracking engine can blow up on. When such a regex exceeds the engine's backtracking
 * limit the library panics, and a panic in native code aborts the whole JVM, every activity of the worker with
 * it; so the shapes that backtrack exponentially are refused before the file is ever handed to the library: a
 * group that repeats without bound (or more than once) while holding a repetition without bound or an
 * alternation, as in {@code (a+)+} or {@code (a|aa)*}. The published pre-tokenizer patterns (GPT-2's, Llama 3's)
 * repeat only single atoms and character classes, and pass.
 */
final class TokenizerRegexCheck {

    /** The longest regex accepted; published pre-tokenizer patterns are a few hundred characters. */
    static final int MAX_REGEX_CHARS = 4096;

    private TokenizerRegexCheck() {
    }

    /** Throws a {@link TokenizerFileException} naming {@code file} and the regex's place if one is refused. */
    static void check(Path file, JsonNode root) {
        Deque<Map.Entry<String, JsonNode>> pending = new ArrayDeque<>();
        pending.push(Map.entry("", root));
        while (!pending.isEmpty()) {
            Map.Entry<String, JsonNode> next = pending.pop();
            String path = next.getKey();
            JsonNode node = next.getValue();
            if (path.equals("model") || path.equals("added_tokens")) {
                continue; // vocabularies and merges hold no regexes, and are most of the file
            }
            if (node.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = fields.next();
                    String at = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                    if (field.getKey().equals("Regex") && field.getValue().isTextual()) {
                        String problem = problem(field.getValue().asText());
                        if (problem != null) {
                            throw new TokenizerFileException(file, at + " " + problem + "; the tokenizers library "
                                    + "can backtrack on it until it aborts the process, so it is not used");
                        }
                    } else {
                        pending.push(Map.entry(at, field.getValue()));
                    }
                }
            } else if (node.isArray()) {
                for (int i = 0; i < node.size(); i++) {
                    pending.push(Map.entry(path + "[" + i + "]", node.get(i)));
                }
            }
        }
    }

    /** What makes {@code regex} dangerous, or null. */
    static String problem(String regex) {
        if (regex.length() > MAX_REGEX_CHARS) {
            return "is a regex of " + regex.length() + " characters (at most " + MAX_REGEX_CHARS + ")";
        }
        // Per open group: whether its content so far repeats without bound or alternates.
        Deque<boolean[]> groups = new ArrayDeque<>();
        groups.push(new boolean[2]);
        int i = 0;
        while (i < regex.length()) {
            char c = regex.charAt(i);
            boolean[] group = groups.peek();
            if (c == '\\') {
                i = skipEscape(regex, i);
            } else if (c == '[') {
                i = skipClass(regex, i);
            } else if (c == '(') {
                groups.push(new boolean[2]);
                i++;
            } else if (c == ')') {
                if (groups.size() == 1) {
                    return "has an unbalanced ')' at character " + i;
                }
                boolean[] closed = groups.pop();
                int after = i + 1;
                int repeats = repeats(regex, after);
                if (repeats != 0 && (closed[0] || closed[1])) {
                    return "repeats a group that itself " + (closed[0] ? "repeats without bound" : "alternates")
                            + " (character " + i + "), which backtracks exponentially";
                }
                boolean[] parent = groups.peek();
                parent[0] |= closed[0] || repeats < 0;
                i = after;
            } else {
                if (c == '|') {
                    group[1] = true;
                } else if (c == '*' || c == '+' || c == '{' && repeats(regex, i) < 0) {
                    group[0] = true;
                }
                i++;
            }
        }
        return null;
    }

    /**
     * Whether a quantifier at {@code at} repeats what precedes it: -1 without bound ({@code *}, {@code +},
     * {@code {n,}}), 1 a bounded number of times above one ({@code {2,5}}), 0 not at all (none, {@code ?},
     * {@code {0,1}}, {@code {1}}).
     */
    private static int repeats(String regex, int at) {
        if (at >= regex.length()) {
            return 0;
        }
        char c = regex.charAt(at);
        if (c == '*' || c == '+') {
            return -1;
        }
        if (c != '{') {
            return 0;
        }
        int close = regex.indexOf('}', at);
        if (close < 0) {
            return 0;
        }
        String[] bounds = regex.substring(at + 1, close).split(",", -1);
        try {
            if (bounds.length == 2 && bounds[1].isBlank()) {
                return -1;
            }
            long max = Long.parseLong(bounds[bounds.length - 1].strip());
            return max > 1 ? 1 : 0;
        } catch (NumberFormatException e) {
            return 0; // a literal brace
        }
    }

    private static int skipEscape(String regex, int at) {
        if (at + 1 >= regex.length()) {
            return regex.length();
        }
        int next = at + 2;
        if (next <= regex.length() && "pPx".indexOf(regex.charAt(at + 1)) >= 0 && next < regex.length()
                && regex.charAt(next) == '{') {
            int close = regex.indexOf('}', next);
            return close < 0 ? regex.length() : close + 1;
        }
        return Math.min(next, regex.length());
    }

    private static int skipClass(String regex, int at) {
        int i = at + 1;
        if (i < regex.length() && regex.charAt(i) == '^') {
            i++;
        }
        if (i < regex.length() && regex.charAt(i) == ']') {
            i++;
        }
        while (i < regex.length()) {
            char c = regex.charAt(i);
            if (c == '\\') {
                i = skipEscape(regex, i);
            } else if (c == '[') {
                i = skipClass(regex, i);
            } else if (c == ']') {
                return i + 1;
            } else {
                i++;
            }
        }
        return i;
    }
}
