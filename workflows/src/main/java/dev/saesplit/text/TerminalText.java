package dev.saesplit.text;

/**
 * Text from users or models (descriptions, run ids, tokens, error messages) made safe to print on a terminal:
 * control characters, including ESC that starts ANSI sequences which can move the cursor, rewrite lines or
 * set the window title, are shown as visible escapes ({@code \e}, {@code \x07}, {@code \x9b}) instead.
 */
public final class TerminalText {

    private TerminalText() {
    }

    /** One line: every control character escaped, line breaks and tabs too. */
    public static String line(String text) {
        return escape(text, false);
    }

    /** A paragraph: control characters escaped, but line breaks and tabs kept. */
    public static String paragraph(String text) {
        return escape(text, true);
    }

    private static String escape(String text, boolean keepLayout) {
        if (text == null) {
            return null;
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean layout = c == '\n' || c == '\t';
            if (isControl(c) && !(keepLayout && layout)) {
                if (out == null) {
                    out = new StringBuilder(text.length() + 8).append(text, 0, i);
                }
                out.append(visible(c));
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    /** C0 controls, DEL, C1 controls (U+009B is a one-character CSI), and bidi overrides that reorder a line. */
    static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
    }

    private static String visible(char c) {
        return switch (c) {
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            case 0x1b -> "\\e";
            default -> c < 0x100 ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c);
        };
    }
}
