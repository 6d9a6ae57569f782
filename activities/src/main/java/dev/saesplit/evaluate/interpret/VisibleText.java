package dev.saesplit.evaluate.interpret;

/**
 * Token text as a reader can see it: control characters become escapes ({@code \n}, {@code \t}, {@code \r}, the
 * others as a backslash, {@code u} and four hex digits, as in Java source), so a context stays on one line and a
 * token that is only a newline is not an empty highlight.
 */
final class VisibleText {

    private VisibleText() {
    }

    static String of(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!Character.isISOControl(c)) {
                if (out != null) {
                    out.append(c);
                }
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length() + 8).append(text, 0, i);
            }
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out == null ? text : out.toString();
    }
}
