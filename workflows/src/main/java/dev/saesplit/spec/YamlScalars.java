package dev.saesplit.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.math.BigInteger;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The JSON value of a YAML scalar, typed by the tag YAML resolved for it. Only what a spec can mean is
 * given a type: whole numbers of any size (so a range check can say how far off a 400-digit number is),
 * decimals including {@code .nan} and {@code .inf} (so a finiteness check can name its field), true and
 * false, and null. YAML 1.1's other spellings ({@code yes}, {@code 0o17}, {@code 1:20}) stay text, which the
 * typed reads then reject with the text quoted.
 */
final class YamlScalars {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> TRUE = Set.of("true", "True", "TRUE");
    private static final Set<String> FALSE = Set.of("false", "False", "FALSE");
    private static final Pattern DECIMAL_INTEGER = Pattern.compile("[-+]?[0-9]+");
    private static final Pattern HEX_INTEGER = Pattern.compile("([-+]?)0x([0-9a-fA-F]+)");
    private static final Pattern DECIMAL = Pattern.compile("[-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?");
    private static final Pattern INFINITY = Pattern.compile("([-+]?)\\.(inf|Inf|INF)");
    private static final Pattern NOT_A_NUMBER = Pattern.compile("\\.(nan|NaN|NAN)");
    /** Jackson's own limit; longer digit strings stay text, since parsing them is quadratic. */
    private static final int MAX_DIGITS = 1000;

    private YamlScalars() {
    }

    static JsonNode toJson(ScalarNode scalar) {
        String text = scalar.getValue();
        Tag tag = scalar.getTag();
        if (tag.equals(Tag.NULL)) {
            return NODES.nullNode();
        }
        if (tag.equals(Tag.BOOL)) {
            return TRUE.contains(text) ? NODES.booleanNode(true)
                    : FALSE.contains(text) ? NODES.booleanNode(false) : NODES.textNode(text);
        }
        if (tag.equals(Tag.INT)) {
            return integer(text);
        }
        if (tag.equals(Tag.FLOAT)) {
            return decimal(text);
        }
        return NODES.textNode(text);
    }

    private static JsonNode integer(String spelled) {
        String text = spelled.replace("_", "");
        if (text.length() > MAX_DIGITS) {
            return NODES.textNode(spelled);
        }
        if (DECIMAL_INTEGER.matcher(text).matches()) {
            return number(new BigInteger(text.startsWith("+") ? text.substring(1) : text));
        }
        var hex = HEX_INTEGER.matcher(text);
        if (hex.matches()) {
            BigInteger value = new BigInteger(hex.group(2), 16);
            return number(hex.group(1).equals("-") ? value.negate() : value);
        }
        return NODES.textNode(spelled);
    }

    private static JsonNode number(BigInteger value) {
        if (value.bitLength() < 32) {
            return NODES.numberNode(value.intValue());
        }
        return value.bitLength() < 64 ? NODES.numberNode(value.longValue()) : NODES.numberNode(value);
    }

    private static JsonNode decimal(String spelled) {
        String text = spelled.replace("_", "");
        if (NOT_A_NUMBER.matcher(text).matches()) {
            return NODES.numberNode(Double.NaN);
        }
        var infinity = INFINITY.matcher(text);
        if (infinity.matches()) {
            return NODES.numberNode(infinity.group(1).equals("-") ? Double.NEGATIVE_INFINITY
                    : Double.POSITIVE_INFINITY);
        }
        if (text.length() <= MAX_DIGITS && DECIMAL.matcher(text).matches()) {
            return NODES.numberNode(Double.parseDouble(text));
        }
        return NODES.textNode(spelled);
    }
}
