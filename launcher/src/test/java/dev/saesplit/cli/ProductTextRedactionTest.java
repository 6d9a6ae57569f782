package dev.saesplit.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saesplit.text.Redaction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Redaction masks secrets, not words: every string literal the product's code holds (the pieces every message,
 * status line, report and MLflow description is built from) comes through redaction unchanged, except the few
 * that spell credential syntax on purpose.
 */
class ProductTextRedactionTest {

    private static final Pattern LITERAL = Pattern.compile("\"((?:[^\"\\\\\\n]|\\\\.)*)\"");
    private static final List<String> MODULES = List.of("workflows", "activities", "launcher", "airflow-client");
    /** Literals that spell credential syntax on purpose: a pattern that finds a password, a masked display. */
    private static final Set<String> CREDENTIAL_SYNTAX = Set.of("(?i)([?&])password=([^&]*)&?",
            ", password=(hidden)]");

    @Test
    void noMessagePieceTheProductWritesIsMasked() throws IOException {
        List<String> masked = new ArrayList<>();
        int literals = 0;
        for (String module : MODULES) {
            Path sources = Path.of("..", module, "src", "main", "java");
            if (!Files.isDirectory(sources)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(sources)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    for (String literal : literals(file)) {
                        literals++;
                        if (!Redaction.redact(literal).equals(literal) && !CREDENTIAL_SYNTAX.contains(literal)) {
                            masked.add(file.getFileName() + ": \"" + literal + "\" -> \"" + Redaction.redact(literal)
                                    + "\"");
                        }
                    }
                }
            }
        }
        assertTrue(literals > 1000, "read the product's literals: " + literals);
        assertTrue(masked.isEmpty(), masked.size() + " of " + literals + " literals are masked:\n"
                + String.join("\n", masked));
    }

    /** The string literals of {@code file}, with its text blocks and comments skipped. */
    private static List<String> literals(Path file) throws IOException {
        List<String> found = new ArrayList<>();
        boolean inTextBlock = false;
        for (String line : Files.readAllLines(file)) {
            if (line.contains("\"\"\"")) {
                inTextBlock = !inTextBlock;
                continue;
            }
            String code = line.strip();
            if (inTextBlock || code.startsWith("*") || code.startsWith("//") || code.startsWith("/*")) {
                continue;
            }
            Matcher m = LITERAL.matcher(line);
            while (m.find()) {
                found.add(m.group(1));
            }
        }
        return found;
    }
}
