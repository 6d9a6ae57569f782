package dev.saesplit.text;

import java.util.regex.Pattern;

/**
 * One CSV field (RFC 4180), safe to open in a spreadsheet: a cell that starts with {@code = + - @}, a tab or a
 * carriage return would be run as a formula, so it is prefixed with a single quote and quoted, as OWASP's
 * "CSV Injection" guidance recommends. A plain number ({@code -0.25}, {@code 1e-3}) cannot be a formula and is
 * left as it is, so numeric columns stay numeric. Other control characters are escaped as on a terminal.
 */
public final class CsvCell {

    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?");

    private CsvCell() {
    }

    public static String of(String value) {
        String text = TerminalText.paragraph(value);
        boolean formula = !text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0
                && !NUMBER.matcher(text).matches();
        if (formula) {
            text = "'" + text;
        }
        if (formula || text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r")
                || text.contains(";")) {
            return "\"" + text.replace("\"", "\"\"") + "\"";
        }
        return text;
    }
}
