package dev.saesplit.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/** The few pieces of HTML the report is built from; every text that enters the page is escaped here. */
final class Html {

    private Html() {
    }

    /** {@code text} safe in element content and in quoted attribute values. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** An element with escaped text content. */
    static String text(String tag, String content) {
        return "<" + tag + ">" + escape(content) + "</" + tag + ">";
    }

    /** A PNG inlined as a data URI, so the page needs no other file and fetches nothing. */
    static String image(Path png, String alt) throws IOException {
        return "<img alt=\"" + escape(alt) + "\" src=\"data:image/png;base64,"
                + Base64.getEncoder().encodeToString(Files.readAllBytes(png)) + "\">";
    }

    /** A table of already-escaped cells under escaped headers. */
    static String table(String cssClass, List<String> headers, List<List<String>> rows) {
        StringBuilder out = new StringBuilder("<table class=\"").append(cssClass).append("\"><thead><tr>");
        headers.forEach(h -> out.append(text("th", h)));
        out.append("</tr></thead><tbody>");
        for (List<String> row : rows) {
            out.append("<tr>");
            row.forEach(cell -> out.append("<td>").append(cell).append("</td>"));
            out.append("</tr>");
        }
        return out.append("</tbody></table>").toString();
    }

    /** A measurement with three decimals; undefined ones (no tokens to measure on) show as a dash. */
    static String fixed(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.3f", value) : "–";
    }

    /** A measurement of any magnitude with four significant digits. */
    static String number(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.4g", value) : "–";
    }

    /** A count with thousands separated. */
    static String count(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    /** A fraction as a percentage. */
    static String percent(double fraction) {
        return Double.isFinite(fraction) ? String.format(Locale.ROOT, "%.1f %%", 100 * fraction) : "–";
    }
}
