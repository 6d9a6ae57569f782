package dev.saesplit.spec;

/**
 * One thing wrong with a spec, located for the person who has to fix it.
 *
 * @param file    the spec file as the user named it
 * @param line    1-based line, 0 when unknown
 * @param column  1-based column, 0 when unknown
 * @param field   the field's path, e.g. {@code runs[2].width}; empty for the document itself
 * @param message what is wrong, in words
 */
public record SpecProblem(String file, int line, int column, String field, String message) {

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(file);
        if (line > 0) {
            text.append(':').append(line).append(':').append(column);
        }
        text.append(": ");
        if (!field.isEmpty()) {
            text.append(field).append(": ");
        }
        return text.append(message).toString();
    }
}
