package dev.saesplit.spec;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The text of a spec file, checked before YAML sees it: strict UTF-8, and only characters YAML allows. The
 * YAML parser reports either problem without a usable position (or with the decoder's "Input length = 1"),
 * so both are found here and located by line and column counted the way the YAML parser counts them.
 */
final class SpecText {

    private SpecText() {
    }

    /** {@code bytes} decoded as UTF-8, or the first undecodable byte or disallowed character, located. */
    static String decode(byte[] bytes, String fileName) throws SpecValidationException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            int at = in.position();
            String before = new String(bytes, 0, at, StandardCharsets.UTF_8);
            int[] position = positionAfter(before);
            throw located(fileName, position, "not UTF-8 at byte " + at + " (0x"
                    + String.format("%02X", bytes[at] & 0xFF) + "); save the spec as UTF-8");
        }
        decoder.flush(out);
        String text = out.flip().toString();
        checkCharacters(text, fileName);
        return text;
    }

    /** Text that arrived as a string, its characters checked as a file's would be. */
    static String check(String text, String fileName) throws SpecValidationException {
        checkCharacters(text, fileName);
        return text;
    }

    private static void checkCharacters(String text, String fileName) throws SpecValidationException {
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            if (!allowedInYaml(c)) {
                throw located(fileName, positionAfter(text.substring(0, i)), String.format(
                        "character U+%04X (%s) is not allowed in YAML; remove it or write it as an escape "
                                + "inside double quotes", c, Character.isISOControl(c) ? "a control character"
                                : "not printable"));
            }
            i += Character.charCount(c);
        }
    }

    /** YAML 1.1's printable set: tab, line breaks and the printable ranges of Unicode. */
    private static boolean allowedInYaml(int c) {
        return c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c <= 0x7E) || c == 0x85
                || (c >= 0xA0 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD)
                || (c >= 0x10000 && c <= 0x10FFFF);
    }

    /**
     * {@code {line, column}} (1-based) of the character after {@code prefix}. Line breaks are counted as
     * the YAML parser counts them (LF, NEL, LS, PS, and CR not followed by LF), columns in code points.
     */
    static int[] positionAfter(String prefix) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < prefix.length(); ) {
            int c = prefix.codePointAt(i);
            i += Character.charCount(c);
            boolean lone = c == '\r' && (i >= prefix.length() || prefix.charAt(i) != '\n');
            if (c == '\n' || c == 0x85 || c == 0x2028 || c == 0x2029 || lone) {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new int[] {line, column};
    }

    private static SpecValidationException located(String fileName, int[] position, String message) {
        return new SpecValidationException(List.of(new SpecProblem(fileName, position[0], position[1], "",
                message)));
    }
}
