package dev.saesplit.spec;

import com.fasterxml.jackson.databind.JsonNode;

import dev.saesplit.files.RegularFiles;
import dev.saesplit.files.UnreadableFileException;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.NoSuchFileException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Typed, strict reads of a YAML tree that collect every problem with its location instead of stopping at
 * the first. Each read names its field by path ({@code runs[2].width}); an invalid or missing field records
 * a problem and yields a neutral value, so the parser can keep going and report everything at once.
 */
final class SpecNodeReader implements SpecCheck.Problems {

    /** More tokens than any corpus holds; past it a count is a typo, and long arithmetic would overflow. */
    static final long MAX_TOKENS = 10_000_000_000_000L;
    /** What names an experiment, a language model or a run-table row: it becomes part of ids and paths. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Pattern TOKEN_COUNT = Pattern.compile("(\\d++)(?:\\.(\\d++))?+\\s*+([kKmMbB]?)");
    /** Digits before the point beyond which a count exceeds {@link #MAX_TOKENS} whatever its suffix. */
    private static final int MAX_TOKEN_DIGITS = 15;
    private static final int MAX_QUOTED_CHARACTERS = 80;

    private final String file;
    private final YamlLocations locations;
    private final List<SpecProblem> problems = new ArrayList<>();

    SpecNodeReader(String file, YamlLocations locations) {
        this.file = file;
        this.locations = locations;
    }

    @Override
    public void report(String path, String message) {
        problem(path, message);
    }

    /**
     * {@code text} resolved against {@code base} (the spec's directory), or {@code null} after recording at
     * {@code path} why it is no path; empty text is {@code null} unrecorded (already reported as missing).
     */
    Path resolve(Path base, String text, String path) {
        if (text.isEmpty()) {
            return null;
        }
        try {
            return base.resolve(text).normalize();
        } catch (InvalidPathException e) {
            problem(path, "is not a usable path: " + e.getReason()
                    + (text.indexOf('\0') >= 0 ? " (it contains a NUL character)" : ""));
            return null;
        }
    }

    /** Whether {@code file} is, after symlinks, a regular file; if not, a problem at {@code path} says why. */
    boolean regularFile(Path file, String path) {
        try {
            RegularFiles.requireRegular(file);
            return true;
        } catch (NoSuchFileException e) {
            problem(path, "file not found: " + file);
        } catch (UnreadableFileException e) {
            problem(path, "expected a file, but " + e.getMessage());
        } catch (IOException e) {
            problem(path, "cannot read " + file + ": " + e.getMessage());
        }
        return false;
    }

    void problem(String path, String message) {
        int[] at = locations.find(path);
        problems.add(new SpecProblem(file, at[0], at[1], path, message));
    }

    /** The problems found, in document order. */
    List<SpecProblem> problems() {
        problems.sort(java.util.Comparator.comparingInt(SpecProblem::line).thenComparingInt(SpecProblem::column));
        return problems;
    }

    static String path(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    /** Whether {@code node} is a mapping; records a problem for every key outside {@code allowed}. */
    boolean mapping(JsonNode node, String path, Set<String> allowed) {
        if (node == null || !node.isObject()) {
            // A whole document that is not a mapping is no spec (a password file, a key given by mistake):
            // its kind is named, its content never quoted.
            problem(path, "expected a mapping of fields, got " + (path.isEmpty() ? kindOf(node) : describe(node)));
            return false;
        }
        for (Iterator<String> keys = node.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (!allowed.contains(key)) {
                problem(path(path, abbreviate(key)), "unknown field '" + abbreviate(key) + "'; expected one of: "
                        + String.join(", ", new TreeSet<>(allowed)));
            }
        }
        return true;
    }

    boolean has(JsonNode mapping, String key) {
        JsonNode value = mapping.get(key);
        return value != null && !value.isNull();
    }

    String text(JsonNode mapping, String parent, String key, String fallback) {
        JsonNode value = present(mapping, parent, key, fallback);
        if (value == null) {
            return fallback == null ? "" : fallback;
        }
        if (!value.isTextual() && !value.isNumber()) {
            problem(path(parent, key), "expected text, got " + describe(value));
            return "";
        }
        if (fallback == null && value.asText().isBlank()) {
            problem(path(parent, key), "must not be empty");
            return "";
        }
        return value.asText();
    }

    /** The document's required top-level {@code name}, checked against {@link #NAME}; empty after a problem. */
    String name(JsonNode root) {
        String name = text(root, "", "name", null);
        if (!name.isEmpty() && !NAME.matcher(name).matches()) {
            problem("name", "must be 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit, got \""
                    + name + "\"");
        }
        return name;
    }

    long integer(JsonNode mapping, String parent, String key, Long fallback, long min, long max) {
        JsonNode value = present(mapping, parent, key, fallback);
        if (value == null) {
            return fallback == null ? 0 : fallback;
        }
        if (!value.isIntegralNumber()) {
            problem(path(parent, key), "expected a whole number, got " + describe(value));
            return 0;
        }
        if (!value.canConvertToLong()) {
            problem(path(parent, key), "must be " + range(min, max) + ", got " + describe(value));
            return 0;
        }
        return inRange(path(parent, key), value.longValue(), min, max);
    }

    int intValue(JsonNode mapping, String parent, String key, Integer fallback, int min, int max) {
        return (int) integer(mapping, parent, key, fallback == null ? null : fallback.longValue(), min, max);
    }

    /**
     * A token count: a whole number, or text such as {@code 26.2M}, {@code 500k}, {@code 2B}; at least one and
     * at most {@link #MAX_TOKENS}. Computed exactly, so no spelling can wrap around or saturate.
     */
    long tokenCount(JsonNode mapping, String parent, String key, Long fallback) {
        JsonNode value = present(mapping, parent, key, fallback);
        if (value == null) {
            return fallback == null ? 0 : fallback;
        }
        String path = path(parent, key);
        BigDecimal count;
        if (value.isIntegralNumber()) {
            count = new BigDecimal(value.bigIntegerValue());
        } else {
            Matcher m = value.isTextual() ? TOKEN_COUNT.matcher(value.asText().trim()) : null;
            if (m == null || !m.matches()) {
                problem(path, "expected a token count such as 200000, 500k, 26.2M or 2B, got " + describe(value));
                return 0;
            }
            int exponent = switch (m.group(3).toLowerCase(Locale.ROOT)) {
                case "k" -> 3;
                case "m" -> 6;
                case "b" -> 9;
                default -> 0;
            };
            // Bounded before BigDecimal sees it: parsing a megabyte of digits would take minutes.
            String digits = m.group(1).replaceFirst("^0++(?=.)", "");
            String whole = digits.length() > MAX_TOKEN_DIGITS ? "9".repeat(MAX_TOKEN_DIGITS) : digits;
            String fraction = m.group(2) == null ? "0" : m.group(2).substring(0, Math.min(m.group(2).length(), 20));
            count = new BigDecimal(whole + "." + fraction).scaleByPowerOfTen(exponent)
                    .setScale(0, RoundingMode.HALF_UP);
        }
        if (count.signum() < 1 || count.compareTo(BigDecimal.valueOf(MAX_TOKENS)) > 0) {
            problem(path, "must be at least 1 and at most 10^13 tokens (10000000000000), got " + describe(value));
            return 0;
        }
        return count.longValueExact();
    }

    /** A finite number in {@code [min, max]}; {@code minExclusive} excludes {@code min} itself. */
    double number(JsonNode mapping, String parent, String key, Double fallback, double min, double max,
                  boolean minExclusive) {
        JsonNode value = present(mapping, parent, key, fallback);
        if (value == null) {
            return fallback == null ? 0 : fallback;
        }
        String path = path(parent, key);
        if (!value.isNumber()) {
            problem(path, "expected a number, got " + describe(value));
            return 0;
        }
        double x = value.doubleValue();
        if (!Double.isFinite(x)) {
            problem(path, "must be a finite number, got " + locations.spelling(path).orElse(Double.toString(x)));
        } else if (x < min || (minExclusive && x == min) || x > max) {
            String range = max == Double.MAX_VALUE ? (minExclusive ? "above " : "at least ") + fmt(min)
                    : "in " + (minExclusive ? "(" : "[") + fmt(min) + ", " + fmt(max) + "]";
            problem(path, "must be " + range + ", got " + fmt(x));
        }
        return x;
    }

    boolean bool(JsonNode mapping, String parent, String key, Boolean fallback) {
        JsonNode value = present(mapping, parent, key, fallback);
        if (value == null) {
            return fallback != null && fallback;
        }
        if (!value.isBoolean()) {
            problem(path(parent, key), "expected true or false, got " + describe(value));
            return false;
        }
        return value.booleanValue();
    }

    <E extends Enum<E> & SpecChoice> E choice(JsonNode mapping, String parent, String key, Class<E> type,
                                              E fallback) {
        JsonNode value = present(mapping, parent, key, fallback);
        if (value == null) {
            return fallback;
        }
        return SpecChoice.parse(type, value.asText()).filter(c -> value.isTextual()).orElseGet(() -> {
            problem(path(parent, key), "expected one of " + SpecChoice.spellings(type) + ", got " + describe(value));
            return fallback;
        });
    }

    /** The field's node; {@code null} when absent or null, recording a problem if it was required. */
    private JsonNode present(JsonNode mapping, String parent, String key, Object fallback) {
        JsonNode value = mapping.get(key);
        if (value == null || value.isNull()) {
            if (fallback == null) {
                problem(path(parent, key), "required field is missing");
            }
            return null;
        }
        return value;
    }

    private long inRange(String path, long x, long min, long max) {
        if (x < min || x > max) {
            problem(path, "must be " + range(min, max) + ", got " + x);
        }
        return x;
    }

    private static String range(long min, long max) {
        if (min == Long.MIN_VALUE && max == Long.MAX_VALUE) {
            return "a 64-bit whole number";
        }
        return max == Long.MAX_VALUE || max == Integer.MAX_VALUE ? "at least " + min : "in [" + min + ", " + max + "]";
    }

    static String describe(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return "nothing";
        }
        if (node.isTextual()) {
            return "\"" + abbreviate(node.asText()) + "\"";
        }
        if (node.isObject()) {
            return "a mapping";
        }
        if (node.isArray()) {
            return "a list";
        }
        return abbreviate(node.toString());
    }

    /** What kind of value {@code node} is, without any of its content. */
    static String kindOf(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return "nothing";
        }
        if (node.isTextual()) {
            return "text";
        }
        if (node.isNumber()) {
            return "a number";
        }
        if (node.isBoolean()) {
            return "true or false";
        }
        return node.isArray() ? "a list" : "a " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }

    /** A value short enough to quote in a message; a megabyte of it helps no one. */
    private static String abbreviate(String text) {
        return text.length() <= MAX_QUOTED_CHARACTERS ? text
                : text.substring(0, MAX_QUOTED_CHARACTERS) + "… (" + text.length() + " characters)";
    }

    private static String fmt(double x) {
        return x == Math.rint(x) && Math.abs(x) < 1e15 ? Long.toString((long) x) : Double.toString(x);
    }
}
